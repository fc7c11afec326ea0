/// The cells of one import line as the checks read them (the layout's code tables applied,
/// spaces trimmed), collecting every reason the line is refused: an import reports all of a
/// line's problems at once.
struct LineCells<Field: ImportField> {
    let cells: [Field: String]
    let layout: ImportLayout
    var reasons: [String] = []

    init(_ cells: [Field: String], layout: ImportLayout) {
        self.cells = cells
        self.layout = layout
    }

    func cell(_ field: Field) -> String {
        FileValue.trim(layout.translate(cells[field] ?? "", for: field.rawValue))
    }

    /// Free text (a name, an address): never an individual number, no control characters, at
    /// most `max` code points (as PostgreSQL's length() counts; an IVS variant is two).
    mutating func text(_ field: Field, max: Int) -> String {
        let value = FileValue.text(cell(field))
        if IndividualNumber.appears(in: value) {
            reasons.append("\(field.label)に個人番号と思われる12桁の番号があります（個人番号は取り込みません）")
            return ""
        }
        if value.unicodeScalars.count > max { reasons.append("\(field.label)が長すぎます（\(max)文字まで）") }
        if let problem = InputText.problem(value, multiline: false) { reasons.append("\(field.label): \(problem)") }
        return value
    }

    /// An optional date: nil when the cell is empty, a reason when it is not a date.
    mutating func date(_ field: Field) -> CalendarDate? {
        let text = cell(field)
        guard !text.isEmpty else { return nil }
        guard let date = FileDate.parse(text) else {
            reasons.append("\(field.label)「\(ImportProblem.shown(text))」は日付として読めません")
            return nil
        }
        return date
    }

    /// Furigana as full-width katakana ("" when the cell is empty).
    mutating func kana(_ field: Field) -> String {
        let text = cell(field)
        guard !text.isEmpty else { return "" }
        guard let kana = FileValue.kana(text) else {
            reasons.append("\(field.label)はカタカナで記載してください")
            return ""
        }
        return kana
    }
}
