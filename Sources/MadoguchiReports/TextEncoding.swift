import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How an export is written: UTF-8 with a BOM (Excel then reads it as UTF-8), or Shift_JIS as
/// Windows writes it (CP932, with the NEC and IBM extensions: ①, ㈱, 髙, 﨑, ～). Glibc's
/// "SHIFT_JIS" would refuse ① and ～, so the CP932 table is used.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case cp932 = "cp932"

    /// Bytes written before the first line.
    public var preamble: [UInt8] { self == .utf8 ? [0xEF, 0xBB, 0xBF] : [] }

    public var contentType: String { self == .utf8 ? "text/csv; charset=utf-8" : "text/csv; charset=Shift_JIS" }
}

/// A character the chosen encoding cannot hold.
public struct UnencodableCharacter: Error, Sendable, Equatable, CustomStringConvertible {
    public var character: String
    public var line: Int
    public var column: String

    public init(character: String, line: Int, column: String) {
        self.character = character
        self.line = line
        self.column = column
    }

    public var description: String {
        let scalars = character.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " ")
        return "\(line)行目「\(column)」の文字「\(character)」(\(scalars)) は Shift_JIS (CP932) で書けません"
    }
}

/// Converts text to CP932 with glibc's iconv, one character at a time when a whole cell fails, so
/// the offending character can be named. Not Sendable across threads: one per export.
public final class CP932Encoder {
    private let descriptor: iconv_t
    public static let substitute = "〓"

    public init() {
        descriptor = iconv_open("CP932", "UTF-8")
        precondition(descriptor != iconv_t(bitPattern: -1), "glibc iconv has no CP932 table")
    }

    deinit { iconv_close(descriptor) }

    /// The CP932 bytes of `text`, or nil when a character cannot be written.
    public func encode(_ text: String) -> [UInt8]? {
        if text.allSatisfy(\.isASCII) { return Array(text.utf8) }
        return Iconv.convert(Array(text.utf8), with: descriptor)
    }
}
