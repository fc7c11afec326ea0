import Foundation

/// CSV for Excel: RFC 4180 quoting, CRLF line ends, UTF-8 with a BOM so Excel detects the encoding.
/// Cells that start like a formula are prefixed with an apostrophe (CSV injection, OWASP).
struct CSVWriter {
    private(set) var text = "\u{FEFF}"

    mutating func row(_ cells: [String]) {
        text += cells.map(Self.escape).joined(separator: ",") + "\r\n"
    }

    static func escape(_ cell: String) -> String {
        var value = cell
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
        }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
