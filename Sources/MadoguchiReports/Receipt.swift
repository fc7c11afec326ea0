import Foundation
import MadoguchiDomain

/// The 受領書 the card holder (or their 代理人) signs at the counter; the
/// city keeps it as proof of handover, so it is addressed to the mayor.
public enum Receipt {
    public static func render(card: LedgerEntry, context: PrintContext) throws -> Data {
        let canvas = PDFCanvas(title: "個人番号カード 受領書")
        let margin = PDFCanvas.margin
        let width = PDFCanvas.contentWidth

        var y = canvas.formHeader(title: "個人番号カード 受領書", context: context) + 6
        canvas.text("\(context.cityName)長　様", x: margin, y: y, width: width / 2, size: 13, font: .mincho)
        canvas.text(
            "受領日　令和　　年　　月　　日", x: margin + width / 2, y: y + 1, width: width / 2,
            size: 11, font: .mincho, align: .right
        )
        y += 38
        y += canvas.text("下記のとおり個人番号カードを受領しました。", x: margin + 11, y: y, width: width - 11, size: 11, font: .mincho)
        y += 12
        y += canvas.text("記", x: margin, y: y, width: width, size: 11, font: .mincho, align: .center) + 10

        let rows: [[PDFCanvas.Fact]] = [
            [.init(label: "申請書ID", value: card.groupedApplicationID, size: 12)],
            [.init(label: "氏名", value: card.name, size: 15)],
            [.init(label: "生年月日", value: card.printedBirthDate)],
            [.init(label: "住所", value: card.address)],
            [
                .init(label: "カード有効期限", value: card.printedCardExpiry),
                .init(label: "電子証明書有効期限", value: card.printedCertificateExpiry),
            ],
        ]
        for row in rows {
            y += canvas.factRow(row, y: y, minHeight: 28)
        }
        y += 20

        y = canvas.sectionHeading("本人署名", y: y)
        y += signatureRow(canvas, label: "本人署名", hint: "ご本人が自署してください", y: y, height: 76) + 20

        y = canvas.sectionHeading("代理人が受領する場合", y: y)
        y += signatureRow(canvas, label: "代理人氏名", hint: "代理人が自署してください", y: y, height: 56)
        y += signatureRow(canvas, label: "代理人住所", hint: nil, y: y, height: 56)
        let relations = ["法定代理人（親権者・成年後見人等）", "任意代理人（委任状による）", "その他（　　　　　　）"]
        let optionsX = margin + 106
        let optionsWidth = width - 112
        let relationHeight = max(30, canvas.options(relations, x: optionsX, y: 0, width: optionsWidth, draw: false) + 10)
        canvas.labelCell("本人との関係", x: margin, y: y, width: 100, height: relationHeight)
        canvas.rect(x: margin + 100, y: y, width: width - 100, height: relationHeight)
        canvas.options(relations, x: optionsX, y: y + 8, width: optionsWidth)

        // The office area sits at the foot of the page behind a dashed rule,
        // the usual convention for "do not write below this line".
        let headerHeight = 18.0
        let boxHeight = 50.0
        y = PDFCanvas.footerTop - 14 - boxHeight - headerHeight - 16
        canvas.line(x1: margin, y1: y - 10, x2: margin + width, y2: y - 10, lineWidth: 0.5, dash: [3, 2])
        canvas.text("※ 市使用欄", x: margin, y: y, width: width, size: 9, weight: .bold)
        y += 16
        let columns = ["受付者", "確認者", "納品分", "保管場所"]
        let values = ["", "", card.deliveryBatch, card.storagePlace ?? ""]
        let columnWidth = width / Double(columns.count)
        for (index, column) in columns.enumerated() {
            let x = margin + Double(index) * columnWidth
            canvas.labelCell(column, x: x, y: y, width: columnWidth, height: headerHeight)
            canvas.cell(values[index], x: x, y: y + headerHeight, width: columnWidth, height: boxHeight, size: 10, align: .center)
        }

        canvas.formFooter(document: "個人番号カード受領書", context: context, page: 1, of: 1)
        return try canvas.finish()
    }

    private static func signatureRow(
        _ canvas: PDFCanvas, label: String, hint: String?, y: Double, height: Double
    ) -> Double {
        let margin = PDFCanvas.margin
        canvas.labelCell(label, x: margin, y: y, width: 100, height: height)
        canvas.rect(x: margin + 100, y: y, width: PDFCanvas.contentWidth - 100, height: height)
        if let hint {
            canvas.text(hint, x: margin + 106, y: y + 4, width: 200, size: 7.5, gray: 0.4)
        }
        return height
    }
}
