import Foundation

/// What a snapshot folder holds, written last (as `manifest.json`) so that a folder without one
/// is an unfinished snapshot. Every file is listed with its SHA-256; every table with its row
/// count and a checksum of its rows taken in the same database snapshot as the dump, so that a
/// restore can be compared row for row.
public struct SnapshotManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var name: String
        public var sha256: String
        public var size: Int64
    }

    public struct Table: Codable, Sendable, Equatable {
        public var name: String
        public var rows: Int64
        public var checksum: String
    }

    public var id: String
    public var createdAt: Date
    /// `schedule`, `command` or `safety` (taken before a restore over the live database).
    public var trigger: String
    public var format = 1
    public var migrations: [String]
    public var files: [File]
    public var tables: [Table]
    public var blobCount: Int
    public var blobBytes: Int64
    /// Where `--with-blobs` copied the blobs, if it did.
    public var blobCopy: String?
    /// The audit log's newest row at the snapshot (`AuditAnchor.line`), checked by `audit verify`.
    public var auditHead: String?

    public static let fileName = "manifest.json"
    public static let dumpName = "database.dump"
    public static let blobListName = "blobs.tsv"

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> SnapshotManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(SnapshotManifest.self, from: data)
    }
}

public enum SnapshotError: Error, Sendable, CustomStringConvertible {
    case notFound(String)
    case targetNotEmpty(String)
    case damaged(String)
    case mismatch([String])

    public var description: String {
        switch self {
        case .notFound(let id): "no snapshot \(id)"
        case .targetNotEmpty(let what): "\(what) is not empty; restore only into a new storage folder or an empty database"
        case .damaged(let why): "snapshot damaged: \(why)"
        case .mismatch(let tables): "restored data differs from the snapshot in: \(tables.joined(separator: ", "))"
        }
    }
}
