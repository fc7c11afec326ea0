/// Building blocks shared by the municipal forms, so every sheet the counter
/// prints has the same header, footer, grid weight and label shading.
extension PDFCanvas {
    static let margin = 42.0
    static let contentWidth = pageWidth - 2 * margin
    static let labelShade = 0.9
    static let footerTop = pageHeight - 36

    /// Draws office, print stamp and title; returns the y where content starts.
    func formHeader(title: String, context: PrintContext, titleSize: Double = 18) -> Double {
        let margin = Self.margin
        let width = Self.contentWidth
        text("\(context.cityName)　\(context.officeName)", x: margin, y: 28, width: width / 2, size: 9)
        text(
            "印刷日時 \(context.printedAt)　印刷者 \(context.staffName)",
            x: margin + width / 2, y: 28, width: width / 2, size: 9, align: .right
        )
        let titleHeight = text(title, x: margin, y: 50, width: width, size: titleSize, weight: .bold, align: .center)
        return 50 + titleHeight + 14
    }

    func formFooter(document: String, context: PrintContext, page: Int, of pages: Int) {
        let margin = Self.margin
        let width = Self.contentWidth
        let top = Self.footerTop
        line(x1: margin, y1: top, x2: margin + width, y2: top, lineWidth: 0.5)
        text("取扱注意（個人情報を含む）", x: margin, y: top + 5, width: width / 3, size: 8)
        text("\(page) / \(pages) ページ", x: margin + width / 3, y: top + 5, width: width / 3, size: 8, align: .center)
        text(
            "\(context.cityName) \(document)",
            x: margin + width * 2 / 3, y: top + 5, width: width / 3, size: 8, align: .right
        )
    }

    /// A bordered cell with vertically centred, padded text.
    func cell(
        _ string: String,
        x: Double,
        y: Double,
        width: Double,
        height: Double,
        size: Double = 10,
        font: Font = .gothic,
        weight: Weight = .regular,
        align: Align = .left,
        fill: Double? = nil
    ) {
        rect(x: x, y: y, width: width, height: height, fill: fill)
        let padding = 5.0
        let textHeight = measure(string, width: width - 2 * padding, size: size, font: font, weight: weight)
        text(
            string, x: x + padding, y: y + (height - textHeight) / 2, width: width - 2 * padding,
            size: size, font: font, weight: weight, align: align
        )
    }

    /// A shaded label cell, the left half of every key/value pair on the forms.
    func labelCell(_ string: String, x: Double, y: Double, width: Double, height: Double, size: Double = 9.5) {
        cell(string, x: x, y: y, width: width, height: height, size: size, align: .center, fill: Self.labelShade)
    }

    /// Section heading with a short bar, as on printed 窓口 forms.
    @discardableResult
    func sectionHeading(_ string: String, y: Double) -> Double {
        rect(x: Self.margin, y: y + 2, width: 3.5, height: 11, lineWidth: 0, fill: 0.25)
        let height = text(string, x: Self.margin + 8, y: y, width: Self.contentWidth - 8, size: 11, weight: .bold)
        return y + height + 5
    }

    /// Lays out "□ option" pairs left to right, wrapping inside `width`;
    /// returns the height used. With `draw: false` it only measures, so a
    /// table row can be sized before its border is drawn.
    @discardableResult
    func options(
        _ labels: [String], x: Double, y: Double, width: Double, size: Double = 9, draw: Bool = true
    ) -> Double {
        let box = size - 0.5
        let lineHeight = size + 6
        var cursorX = x
        var cursorY = y
        for label in labels {
            let itemWidth = box + 4 + self.width(of: label, size: size) + 14
            if cursorX > x, cursorX + itemWidth > x + width {
                cursorX = x
                cursorY += lineHeight
            }
            if draw {
                let labelHeight = measure(label, width: width, size: size)
                checkbox(x: cursorX, y: cursorY + (labelHeight - box) / 2, size: box)
                text(label, x: cursorX + box + 4, y: cursorY, width: width - (cursorX - x) - box - 4, size: size)
            }
            cursorX += itemWidth
        }
        return cursorY + lineHeight - y
    }

    /// One label/value pair of a facts table. Values are the citizen's own
    /// data and are set in Mincho, as on resident records.
    struct Fact {
        var label: String
        var value: String
        var size: Double = 10.5
    }

    /// A row of one or two label/value pairs across the content width; the
    /// row grows to fit a wrapped value (long addresses). Returns its height.
    @discardableResult
    func factRow(_ facts: [Fact], y: Double, labelWidth: Double = 100, minHeight: Double = 22) -> Double {
        guard !facts.isEmpty else { return 0 }
        let valueWidth = (Self.contentWidth - labelWidth * Double(facts.count)) / Double(facts.count)
        let textHeight = facts.map { measure($0.value, width: valueWidth - 10, size: $0.size, font: .mincho) }.max() ?? 0
        let height = max(minHeight, textHeight + 8)
        var x = Self.margin
        for fact in facts {
            labelCell(fact.label, x: x, y: y, width: labelWidth, height: height)
            cell(fact.value, x: x + labelWidth, y: y, width: valueWidth, height: height, size: fact.size, font: .mincho)
            x += labelWidth + valueWidth
        }
        return height
    }
}
