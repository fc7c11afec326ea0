/// How a city's file maps onto an import (C3, C5, E5), as a small JSON document, so that a
/// terminal export with other headers, a title line or coded values is read without code changes:
///
///     { "encoding": "cp932", "skipLines": 1, "header": true,
///       "columns": { "applicationID": "申請書番号", "kana": 3 },
///       "values": { "cardKind": { "A": "new", "B": "renewal" } } }
///
/// `columns` names a header or gives a 1-based column number; fields left out are found by their
/// documented header names. `values` translates codes to our values before they are checked.
public struct ImportLayout: Sendable, Codable, Equatable {
    /// `auto` (UTF-8, UTF-8 with BOM or CP932, detected), `utf-8` or `cp932`.
    public var encoding: String?
    /// `,` (default) or `tab` (`\t`) for tab-separated exports.
    public var separator: String?
    public var header: Bool?
    public var skipLines: Int?
    public var columns: [String: ColumnRef]?
    public var values: [String: [String: String]]?

    public init(encoding: String? = nil, separator: String? = nil, header: Bool? = nil, skipLines: Int? = nil,
                columns: [String: ColumnRef]? = nil, values: [String: [String: String]]? = nil) {
        self.encoding = encoding
        self.separator = separator
        self.header = header
        self.skipLines = skipLines
        self.columns = columns
        self.values = values
    }

    public enum ColumnRef: Sendable, Codable, Equatable {
        case header(String)
        case number(Int)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                self = .number(number)
            } else {
                self = .header(try container.decode(String.self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .header(let name): try container.encode(name)
            case .number(let number): try container.encode(number)
            }
        }
    }

    public var hasHeader: Bool { header ?? true }

    /// The byte between cells: a comma unless the layout says tab.
    public var separatorByte: UInt8 {
        ["tab", "\t"].contains(separator?.lowercased() ?? ",") ? 0x09 : 0x2C
    }

    /// The value a file's cell stands for, after the layout's translation table.
    public func translate(_ cell: String, for fieldName: String) -> String {
        guard let table = values?[fieldName] else { return cell }
        return table[cell] ?? table[FileValue.key(cell)] ?? cell
    }

    /// Problems with the layout document itself (unknown fields, bad numbers, unknown encoding).
    public func problems<Field: ImportField>(for _: Field.Type) -> [String] {
        var problems: [String] = []
        if let encoding, !["auto", "utf-8", "cp932"].contains(encoding.lowercased()) {
            problems.append("encoding は auto, utf-8, cp932 のいずれかです（「\(encoding)」）。")
        }
        if let separator, ![",", "tab", "\t"].contains(separator.lowercased()) {
            problems.append("separator は \",\" か \"tab\" です（「\(separator)」）。")
        }
        if let skipLines, !(0...100).contains(skipLines) { problems.append("skipLines は 0〜100 で指定してください。") }
        let known = Set(Field.allCases.map(\.rawValue))
        for name in (columns ?? [:]).keys.sorted() where !known.contains(name) {
            problems.append("columns の「\(name)」は項目名ではありません（使える項目: \(Field.allCases.map(\.rawValue).joined(separator: ", "))）。")
        }
        for (name, ref) in (columns ?? [:]).sorted(by: { $0.key < $1.key }) {
            if case .number(let n) = ref, !(1...500).contains(n) { problems.append("columns の「\(name)」の列番号 \(n) は 1 以上の数です。") }
            if case .header = ref, !hasHeader { problems.append("header が false のときは、columns の「\(name)」を列番号で指定してください。") }
        }
        for name in (values ?? [:]).keys.sorted() where !known.contains(name) {
            problems.append("values の「\(name)」は項目名ではありません。")
        }
        return problems
    }
}
