import Foundation
import PostgresNIO

/// Rows in PostgreSQL's COPY text format: tab-separated, `\N` for NULL, and backslash, tab and
/// line breaks escaped so that no cell can end a field or a row early.
enum CopyText {
    static func append(_ fields: [String?], to buffer: inout ByteBuffer) {
        for (i, field) in fields.enumerated() {
            if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            guard let field else {
                buffer.writeStaticString("\\N")
                continue
            }
            var text = field
            if text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
                text = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
                    .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
            }
            buffer.writeString(text)
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }
}
