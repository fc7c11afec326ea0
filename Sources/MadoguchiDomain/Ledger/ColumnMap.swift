/// Where each field of an import is in one file: resolved from the header row and the layout.
/// Columns that no field maps to are never read, which is how a column carrying individual
/// numbers in a terminal export is left out (and named in the report).
public struct ColumnMap<Field: ImportField>: Sendable {
    public let index: [Field: Int]
    public let ignoredHeaders: [String]
    public let columnCount: Int

    public enum Failure: Error, Sendable, Equatable {
        case problems([String])
    }

    /// `headerRow` is nil for files without a header (the layout must then give column numbers,
    /// or the documented column order applies).
    public init(layout: ImportLayout, headerRow: [String]?, documentedOrder: [Field]) throws(Failure) {
        var problems = layout.problems(for: Field.self)
        var index: [Field: Int] = [:]
        let headers = headerRow?.map(Self.headerKey) ?? []
        for field in Field.allCases {
            switch layout.columns?[field.rawValue] {
            case .number(let n)?:
                index[field] = n - 1
            case .header(let name)?:
                if let i = headers.firstIndex(of: Self.headerKey(name)) {
                    index[field] = i
                } else {
                    problems.append("見出し「\(name)」（\(field.label)）が見つかりません。")
                }
            case nil:
                if headerRow != nil {
                    if let i = headers.firstIndex(where: { header in field.headers.contains { Self.headerKey($0) == header } }) { index[field] = i }
                } else if let position = documentedOrder.firstIndex(of: field) {
                    index[field] = position
                }
            }
        }
        for field in Field.allCases where field.isRequired && index[field] == nil && layout.columns?[field.rawValue] == nil {
            problems.append("必須の列「\(field.label)」がありません。見出しを「\(field.label)」にするか、列の対応（columns）で指定してください。")
        }
        var seen: [Int: Field] = [:]
        for field in Field.allCases {
            guard let i = index[field] else { continue }
            if let other = seen[i] { problems.append("「\(other.label)」と「\(field.label)」が同じ列を指しています。") }
            seen[i] = field
        }
        guard problems.isEmpty else { throw .problems(problems) }
        self.index = index
        let mapped = Set(index.values)
        self.ignoredHeaders = (headerRow ?? []).enumerated().filter { !mapped.contains($0.offset) && !$0.element.isEmpty }.map(\.element)
        self.columnCount = max(headerRow?.count ?? 0, (index.values.max() ?? -1) + 1)
    }

    /// The cells of one record by field; a short record reads as empty cells.
    public func values(of record: [String]) -> [Field: String] {
        var values: [Field: String] = [:]
        for (field, i) in index {
            values[field] = i < record.count ? record[i] : ""
        }
        return values
    }

    static func headerKey(_ text: String) -> String {
        FileValue.key(text).replacingOccurrences(of: " ", with: "").lowercased()
    }
}
