/// CSV for Excel: RFC 4180 quoting and CRLF line ends. A cell that starts like a formula gets an
/// apostrophe in front (CSV injection, OWASP), since Excel would otherwise run it.
public enum CSVFormat {
    public static func line(_ cells: [String]) -> String {
        cells.map(escape).joined(separator: ",") + "\r\n"
    }

    public static func escape(_ cell: String) -> String {
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
