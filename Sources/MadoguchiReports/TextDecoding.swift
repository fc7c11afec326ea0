import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file that may be UTF-8 (with or without a BOM) or Shift_JIS as Windows writes it
/// (CP932): what integrated terminals and Excel on LGWAN produce. Valid UTF-8 is taken as UTF-8;
/// anything else must decode as CP932 or is refused, never guessed.
public enum TextDecoding {
    public enum Detected: String, Sendable {
        case utf8BOM = "utf-8 (BOM)"
        case utf8 = "utf-8"
        case cp932 = "cp932"
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public init(line: Int) { self.line = line }
        /// The reason without the line, for reports that show the line in a column of its own.
        public var reason: String { "文字コードを判定できません（UTF-8 でも Shift_JIS (CP932) でもありません）" }
        public var description: String { "\(line)行目: \(reason)" }
    }

    /// Decodes as `forced` when the caller knows the encoding (a city's layout says so), else detects it.
    public static func decode(_ data: Data, as forced: Detected?) throws -> (String, Detected) {
        switch forced {
        case .cp932?:
            guard let text = cp932(data) else { throw Failure(line: firstLine(in: data) { cp932($0) == nil }) }
            return (text, .cp932)
        case .utf8?, .utf8BOM?:
            let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
            guard let text = String(data: body, encoding: .utf8) else { throw Failure(line: firstLine(in: data) { String(data: $0, encoding: .utf8) == nil }) }
            return (text, .utf8)
        case nil:
            return try decode(data)
        }
    }

    public static func decode(_ data: Data) throws -> (String, Detected) {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let text = String(data: data.dropFirst(3), encoding: .utf8) else { throw Failure(line: firstBadLine(data)) }
            return (text, .utf8BOM)
        }
        if let text = String(data: data, encoding: .utf8) { return (text, .utf8) }
        guard let text = cp932(data) else { throw Failure(line: firstBadLine(data)) }
        return (text, .cp932)
    }

    /// CP932 bytes as text through glibc's iconv, or nil when they are not CP932.
    public static func cp932(_ data: Data) -> String? {
        guard let cd = iconv_open("UTF-8", "CP932"), cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        return Iconv.convert([UInt8](data), with: cd).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The first line that is neither UTF-8 nor CP932, for the error message.
    static func firstBadLine(_ data: Data) -> Int {
        firstLine(in: data) { String(data: $0, encoding: .utf8) == nil && cp932($0) == nil }
    }

    static func firstLine(in data: Data, where bad: (Data) -> Bool) -> Int {
        var number = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            if bad(Data(line)) { return number }
        }
        return number
    }
}
