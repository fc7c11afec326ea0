import Foundation
import MadoguchiDomain

/// The sheet a counter clerk works through while handing one card over.
///
/// Items follow the steps 窓口 staff actually perform at 交付, so ticking the
/// boxes top to bottom is the procedure; the sheet is kept with the 交付通知書.
public enum HandoverChecklist {
    public static func render(card: LedgerEntry, context: PrintContext) throws -> Data {
        let canvas = PDFCanvas(title: "個人番号カード 交付チェックリスト")
        let margin = PDFCanvas.margin
        let width = PDFCanvas.contentWidth

        var y = canvas.formHeader(title: "個人番号カード 交付チェックリスト", context: context)

        y = canvas.sectionHeading("1. 交付対象者", y: y)
        let rows: [[PDFCanvas.Fact]] = [
            [.init(label: "申請書ID", value: card.groupedApplicationID, size: 12)],
            [.init(label: "フリガナ", value: card.kana, size: 9.5)],
            [.init(label: "氏名", value: card.name, size: 15)],
            [.init(label: "生年月日", value: card.printedBirthDate), .init(label: "性別", value: card.sex.label)],
            [.init(label: "住所", value: card.address)],
            [.init(label: "申請区分", value: card.cardKind.label), .init(label: "来庁区分", value: card.visitType.label)],
            [.init(label: "納品分", value: card.deliveryBatch), .init(label: "保管場所", value: card.storagePlace ?? "")],
            [
                .init(label: "カード有効期限", value: card.printedCardExpiry),
                .init(label: "電子証明書有効期限", value: card.printedCertificateExpiry),
            ],
        ]
        for row in rows {
            y += canvas.factRow(row, y: y)
        }
        y += 14

        y = canvas.sectionHeading("2. 交付時の確認事項", y: y)
        let checkWidth = 30.0
        let padding = 5.0
        let bodyX = margin + checkWidth + padding
        let bodyWidth = width - checkWidth - 2 * padding
        for item in items {
            let titleHeight = canvas.measure(item.title, width: bodyWidth, size: 10.5)
            let noteHeight = item.note.map { canvas.measure($0, width: bodyWidth, size: 8.5) + 1 } ?? 0
            let optionsHeight = item.options.isEmpty
                ? 0 : canvas.options(item.options, x: bodyX, y: 0, width: bodyWidth, draw: false) + 2
            let height = max(24, titleHeight + noteHeight + optionsHeight + 2 * padding)

            canvas.rect(x: margin, y: y, width: checkWidth, height: height)
            canvas.rect(x: margin + checkWidth, y: y, width: width - checkWidth, height: height)
            canvas.checkbox(x: margin + (checkWidth - 11) / 2, y: y + (height - 11) / 2, size: 11)
            var lineY = y + padding
            lineY += canvas.text(item.title, x: bodyX, y: lineY, width: bodyWidth, size: 10.5)
            if let note = item.note {
                lineY += canvas.text(note, x: bodyX, y: lineY + 1, width: bodyWidth, size: 8.5, gray: 0.25) + 1
            }
            if !item.options.isEmpty {
                canvas.options(item.options, x: bodyX, y: lineY + 3, width: bodyWidth)
            }
            y += height
        }
        y += 14

        y = canvas.sectionHeading("3. 交付記録", y: y)
        let headerHeight = 18.0
        let stampHeight = 54.0
        let dateWidth = width * 0.44
        let stampWidth = (width - dateWidth) / 2
        canvas.labelCell("交付日", x: margin, y: y, width: dateWidth, height: headerHeight)
        canvas.labelCell("交付担当者", x: margin + dateWidth, y: y, width: stampWidth, height: headerHeight)
        canvas.labelCell("確認者", x: margin + dateWidth + stampWidth, y: y, width: stampWidth, height: headerHeight)
        y += headerHeight
        canvas.cell(
            "令和　　　年　　　月　　　日", x: margin, y: y, width: dateWidth, height: stampHeight,
            size: 11, font: .mincho, align: .center
        )
        canvas.rect(x: margin + dateWidth, y: y, width: stampWidth, height: stampHeight)
        canvas.rect(x: margin + dateWidth + stampWidth, y: y, width: stampWidth, height: stampHeight)
        y += stampHeight + 10

        // Whatever room is left becomes a 備考 box, so unusual cases
        // (後日返納, 暗証番号の再設定 etc.) are written on the same sheet.
        let remarksHeight = PDFCanvas.footerTop - 10 - y
        if remarksHeight >= 30 {
            canvas.rect(x: margin, y: y, width: width, height: remarksHeight)
            canvas.text("備考", x: margin + 5, y: y + 4, width: 60, size: 9)
        }

        canvas.formFooter(document: "交付チェックリスト", context: context, page: 1, of: 1)
        return try canvas.finish()
    }

    private struct Item {
        var title: String
        var note: String?
        var options: [String] = []
    }

    private static let items: [Item] = [
        Item(
            title: "本人確認書類の確認",
            note: "1点書類（運転免許証・パスポート等の顔写真付き）又は2点書類（健康保険証・年金手帳等）と交付通知書の持参を確認",
            options: ["1点書類", "2点書類", "交付通知書"]
        ),
        Item(title: "顔写真と本人の照合", note: "カード券面の顔写真と来庁者が同一人物であることを確認"),
        Item(title: "交付通知書の回収"),
        Item(
            title: "通知カード・旧個人番号カード・住基カードの回収（返納）",
            options: ["通知カード", "旧個人番号カード", "住基カード", "該当なし"]
        ),
        Item(
            title: "暗証番号の設定（本人が入力）",
            note: "署名用は英大文字と数字をそれぞれ1文字以上含む6〜16桁。4桁の3種は同じ番号でも可",
            options: [
                "署名用電子証明書（英数字6〜16桁）",
                "利用者証明用電子証明書（数字4桁）",
                "住民基本台帳（数字4桁）",
                "券面事項入力補助（数字4桁）",
            ]
        ),
        Item(
            title: "電子証明書の有効期限の説明",
            note: "電子証明書は発行日後5回目の誕生日まで。カードの有効期限と異なることを説明"
        ),
        Item(title: "券面記載事項の確認", note: "氏名・住所・生年月日・性別・有効期限を本人と読み合わせ"),
        Item(
            title: "代理人の場合　委任状・照会書の確認",
            options: ["委任状", "照会書（回答書）", "代理人の本人確認書類", "本人の本人確認書類", "来庁困難の証明書類"]
        ),
    ]
}
