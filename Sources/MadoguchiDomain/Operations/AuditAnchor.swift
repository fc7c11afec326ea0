import Foundation

/// A copy of the audit log's head kept outside the database (#13): the id and seal of the newest
/// row at a moment. If rows up to that id are later missing or different, someone deleted or
/// rewrote them, even with the owner role and the triggers switched off.
public struct AuditAnchor: Sendable, Equatable {
    public let id: Int64
    public let hash: Data
    public let at: Date

    public init(id: Int64, hash: Data, at: Date) {
        self.id = id
        self.hash = hash
        self.at = at
    }

    /// One line: `<id> <seal in hex> <ISO 8601 time>` (also the NOTIFY payload).
    public var line: String {
        "\(id) \(hash.map { String(format: "%02x", $0) }.joined()) \(ISO8601DateFormatter().string(from: at))"
    }

    /// Parses `line`; nil for anything else.
    public init?(line: String) {
        let parts = line.split(separator: " ")
        guard parts.count == 3, let id = Int64(parts[0]), id > 0, parts[1].count == 64,
              let at = ISO8601DateFormatter().date(from: String(parts[2])) else { return nil }
        var bytes: [UInt8] = []
        var index = parts[1].startIndex
        while index < parts[1].endIndex {
            let next = parts[1].index(index, offsetBy: 2)
            guard let byte = UInt8(parts[1][index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(id: id, hash: Data(bytes), at: at)
    }
}
