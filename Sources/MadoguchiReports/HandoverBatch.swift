import Foundation
import MadoguchiDomain

/// A day's 交付予定 as one table the counter ticks off as holders arrive.
///
/// The column header and page footer repeat on every page because the sheets
/// are split between counters during the day.
public enum HandoverBatch {
    public static func render(cards: [LedgerEntry], day: String, context: PrintContext) throws -> Data {
        let canvas = PDFCanvas(title: "交付予定一覧 兼 チェックリスト \(day)")
        let margin = PDFCanvas.margin
        let width = PDFCanvas.contentWidth
        let bottom = PDFCanvas.footerTop - 8
        let totalHeight = 34.0

        let top = pageHeader(canvas, day: day, count: cards.count, context: context)
        guard !cards.isEmpty else {
            canvas.rect(x: margin, y: top, width: width, height: 60)
            canvas.text("該当する交付予定はありません。", x: margin, y: top + 22, width: width, size: 11, align: .center)
            canvas.text("合計 0 件", x: margin, y: top + 70, width: width, size: 11, weight: .bold, align: .right)
            canvas.formFooter(document: "交付予定一覧", context: context, page: 1, of: 1)
            return try canvas.finish()
        }

        // Rows are measured before anything is placed so the page count is
        // known when the first footer is drawn.
        let rowTop = top + headerRowHeight
        let heights = cards.map { rowHeight(canvas, card: $0) }
        var pages: [[Int]] = [[]]
        var y = rowTop
        for (index, height) in heights.enumerated() {
            // The last row carries the total with it, so no page ends up
            // holding only a 合計 line.
            let needed = height + (index == heights.count - 1 ? totalHeight : 0)
            if y + needed > bottom, let current = pages.last, !current.isEmpty {
                pages.append([])
                y = rowTop
            }
            pages[pages.count - 1].append(index)
            y += height
        }

        for (pageIndex, rows) in pages.enumerated() {
            if pageIndex > 0 {
                canvas.newPage()
                _ = pageHeader(canvas, day: day, count: cards.count, context: context)
            }
            columnHeader(canvas, y: top)
            var y = rowTop
            for index in rows {
                drawRow(canvas, number: index + 1, card: cards[index], y: y, height: heights[index])
                y += heights[index]
            }
            if pageIndex == pages.count - 1 {
                totals(canvas, count: cards.count, y: y + 10)
            }
            canvas.formFooter(document: "交付予定一覧", context: context, page: pageIndex + 1, of: pages.count)
        }
        return try canvas.finish()
    }

    private struct Column {
        var title: String
        var width: Double
    }

    private static let columns: [Column] = [
        Column(title: "No.", width: 28),
        Column(title: "申請書ID", width: 84),
        Column(title: "氏名／フリガナ", width: 126),
        Column(title: "生年月日", width: 78),
        Column(title: "保管場所", width: 54),
        Column(title: "本人確認", width: 34),
        Column(title: "暗証番号", width: 34),
        Column(title: "交付", width: 34),
        Column(title: "担当", width: PDFCanvas.contentWidth - 472),
    ]
    private static let headerRowHeight = 24.0
    private static let padding = 5.0
    private static let kanaGap = 1.5

    private static func pageHeader(_ canvas: PDFCanvas, day: String, count: Int, context: PrintContext) -> Double {
        let y = canvas.formHeader(title: "交付予定一覧 兼 チェックリスト", context: context, titleSize: 17)
        let width = PDFCanvas.contentWidth
        canvas.text("交付予定日：\(day)", x: PDFCanvas.margin, y: y, width: width * 0.7, size: 11, weight: .bold)
        canvas.text("全 \(count) 件", x: PDFCanvas.margin + width * 0.7, y: y, width: width * 0.3, size: 11, align: .right)
        return y + 24
    }

    private static func columnHeader(_ canvas: PDFCanvas, y: Double) {
        var x = PDFCanvas.margin
        for column in columns {
            canvas.labelCell(column.title, x: x, y: y, width: column.width, height: headerRowHeight, size: 8.5)
            x += column.width
        }
    }

    private static func rowHeight(_ canvas: PDFCanvas, card: LedgerEntry) -> Double {
        let idHeight = canvas.measure(card.groupedApplicationID, width: columns[1].width - 2 * padding, size: 8.5)
        let nameWidth = columns[2].width - 2 * padding
        let nameHeight = canvas.measure(card.kana, width: nameWidth, size: 7) + kanaGap
            + canvas.measure(card.name, width: nameWidth, size: 10.5, font: .mincho)
        let birthHeight = canvas.measure(card.printedBirthDate, width: columns[3].width - 2 * padding, size: 9)
        return max(30, max(idHeight, nameHeight, birthHeight) + 2 * padding)
    }

    private static func drawRow(_ canvas: PDFCanvas, number: Int, card: LedgerEntry, y: Double, height: Double) {
        var x = PDFCanvas.margin
        for column in columns {
            canvas.rect(x: x, y: y, width: column.width, height: height)
            x += column.width
        }
        func left(_ index: Int) -> Double {
            PDFCanvas.margin + columns[..<index].reduce(0) { $0 + $1.width }
        }
        func verticallyCentred(_ string: String, column index: Int, size: Double, font: PDFCanvas.Font = .gothic) {
            let textWidth = columns[index].width - 2 * padding
            let textHeight = canvas.measure(string, width: textWidth, size: size, font: font)
            canvas.text(
                string, x: left(index) + padding, y: y + (height - textHeight) / 2, width: textWidth,
                size: size, font: font, align: index == 1 ? .left : .center
            )
        }
        verticallyCentred("\(number)", column: 0, size: 9)
        verticallyCentred(card.groupedApplicationID, column: 1, size: 8.5)
        verticallyCentred(card.printedBirthDate, column: 3, size: 9)
        verticallyCentred(card.storagePlace ?? "", column: 4, size: 9)

        let nameWidth = columns[2].width - 2 * padding
        let kanaHeight = canvas.measure(card.kana, width: nameWidth, size: 7)
        let nameHeight = canvas.measure(card.name, width: nameWidth, size: 10.5, font: .mincho)
        let nameTop = y + (height - kanaHeight - kanaGap - nameHeight) / 2
        canvas.text(card.kana, x: left(2) + padding, y: nameTop, width: nameWidth, size: 7, gray: 0.3)
        canvas.text(
            card.name, x: left(2) + padding, y: nameTop + kanaHeight + kanaGap, width: nameWidth,
            size: 10.5, font: .mincho
        )

        let box = 11.0
        for index in 5...7 {
            canvas.checkbox(x: left(index) + (columns[index].width - box) / 2, y: y + (height - box) / 2, size: box)
        }
    }

    /// Besides the printed total, blanks for the end-of-day tally that the
    /// counter reconciles against the card cabinet.
    private static func totals(_ canvas: PDFCanvas, count: Int, y: Double) {
        let margin = PDFCanvas.margin
        let width = PDFCanvas.contentWidth
        canvas.text("交付済　　　　件　　未交付　　　　件", x: margin, y: y, width: width * 0.6, size: 10)
        canvas.text("合計 \(count) 件", x: margin + width * 0.6, y: y - 1, width: width * 0.4, size: 11, weight: .bold, align: .right)
    }
}
