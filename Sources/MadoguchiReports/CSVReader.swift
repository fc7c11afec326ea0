/// Splits CSV text (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes, CRLF or
/// LF) into records, each with the line number it starts on, so an import can name every bad
/// line. A quote left open at the end is reported, not swallowed.
public enum CSVReader {
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public init(line: Int) { self.line = line }
        public var description: String { "\(line)行目: 引用符（\"）が閉じられていません" }
    }

    /// Works on the UTF-8 bytes: the delimiters are all ASCII and UTF-8 never uses an ASCII byte
    /// inside a multi-byte character, so this is exact, and a 200,000-line file splits in well
    /// under a second (iterating Characters costs grapheme breaking on every one).
    /// `separator` is a comma, or a tab for the tab-separated files some terminals write.
    public static func records(_ text: String, separator: UInt8 = UInt8(ascii: ",")) throws -> [Record] {
        var text = text
        return try text.withUTF8 { try records(bytes: $0, separator: separator) }
    }

    static func records(bytes: UnsafeBufferPointer<UInt8>, separator comma: UInt8) throws -> [Record] {
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        field.reserveCapacity(256)
        var quoted = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            // A blank line is no record.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
        }
        var i = 0
        let n = bytes.count
        while i < n {
            let byte = bytes[i]
            i += 1
            if quoted {
                if byte == quote {
                    if i < n, bytes[i] == quote {
                        field.append(quote)
                        i += 1
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    // LF, CRLF (counted at its LF) and a bare CR each end a line.
                    if byte == lf || (byte == cr && !(i < n && bytes[i] == lf)) { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case quote where field.isEmpty && !afterQuote:
                quoted = true
            case comma:
                endField()
                afterQuote = false
            case lf, cr:
                if byte == cr, i < n, bytes[i] == lf { i += 1 }
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            default:
                field.append(byte)
            }
        }
        if quoted { throw Failure(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
