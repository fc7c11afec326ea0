import Crypto
import Foundation
import MadoguchiProcess
import Logging
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// Takes a snapshot (F4): a `pg_dump` custom-format dump and the table checksums, both from one
/// exported database snapshot so they describe the same instant, plus the list of every
/// referenced blob (hash, size). Blobs are immutable and content-addressed, so they are listed,
/// not copied; `blobCopy` also copies the ones missing there to a second place.
public struct Snapshotter: Sendable {
    public let database: Database
    public let blobs: any BlobStore
    public let library: SnapshotLibrary

    public init(database: Database, blobs: any BlobStore, library: SnapshotLibrary) {
        self.database = database
        self.blobs = blobs
        self.library = library
    }

    public func create(trigger: String, blobCopy: URL? = nil, now: Date = Date(),
                       progress: @Sendable (String) -> Void = { _ in }) async throws -> SnapshotManifest {
        guard let tools = database.toolConnection else { throw SnapshotError.damaged("no connection settings for pg_dump") }
        let fm = FileManager.default
        try fm.createDirectory(at: library.directory, withIntermediateDirectories: true)
        let id = library.newID(at: now)
        let partial = library.directory.appendingPathComponent(".\(id).partial")
        try? fm.removeItem(at: partial)
        try fm.createDirectory(at: partial, withIntermediateDirectories: true)
        // pg_dump may run as another OS user's client, but writes as us: the folder is ours.
        let dump = partial.appendingPathComponent(SnapshotManifest.dumpName)
        let logger = database.logger

        let (tables, blobList, migrations, auditHead) = try await database.client.withConnection { connection in
            try await connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            do {
                try await TableChecksums.normaliseSession(connection, logger: logger)
                let exported = try await connection.first("SELECT pg_export_snapshot()", as: (String).self, logger: logger) ?? ""
                progress("counting rows")
                let tables = try await TableChecksums.compute(on: connection, logger: logger)
                let blobList = try await connection.all("SELECT sha256, size FROM blob ORDER BY sha256", as: (String, Int64).self,
                                                        logger: logger)
                let migrations = try await connection.all("SELECT name FROM schema_migration ORDER BY name", as: (String).self,
                                                          logger: logger)
                // An anchor of the audit log (#13): a later `audit verify` finds rows up to here gone or changed.
                let auditHead = try await connection.first("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
                                                           as: (Int64, Data).self, logger: logger)
                    .map { AuditAnchor(id: $0.0, hash: $0.1, at: now).line }
                progress("dumping the database")
                _ = try await tools.runDetached("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--snapshot=\(exported)",
                                          "--file=\(dump.path)", "--dbname=\(tools.dbname)"])
                try await connection.execute("COMMIT", logger: logger)
                return (tables, blobList, migrations, auditHead)
            } catch {
                try? await connection.execute("ROLLBACK", logger: logger)
                throw error
            }
        }

        let list = blobList.map { "\($0.0)\t\($0.1)\n" }.joined()
        try Data(list.utf8).write(to: partial.appendingPathComponent(SnapshotManifest.blobListName))
        if let blobCopy {
            let copy = try FileBlobStore(root: blobCopy)
            var copied = 0
            for (index, (hex, _)) in blobList.enumerated() {
                guard let ref = BlobRef(hex: hex) else { continue }
                if try await copy.stat(ref) == nil {
                    _ = try await copy.put(try await blobs.get(ref, verify: true), expected: ref)
                    copied += 1
                }
                if index % 100 == 99 { progress("blobs \(index + 1)/\(blobList.count)") }
            }
            progress("copied \(copied) new blobs to \(blobCopy.path)")
        }
        var files: [SnapshotManifest.File] = []
        for name in [SnapshotManifest.dumpName, SnapshotManifest.blobListName] {
            let url = partial.appendingPathComponent(name)
            files.append(.init(name: name, sha256: try await OffPool.run { try Self.sha256(of: url) }, size: Int64(try fm.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0)))
        }
        let manifest = SnapshotManifest(id: id, createdAt: now, trigger: trigger, migrations: migrations, files: files, tables: tables,
                                        blobCount: blobList.count, blobBytes: blobList.reduce(0) { $0 + $1.1 },
                                        blobCopy: blobCopy?.path, auditHead: auditHead)
        try manifest.encoded().write(to: partial.appendingPathComponent(SnapshotManifest.fileName))
        // Renamed into place last: a crash before this leaves only a dot-folder that list() ignores.
        try fm.moveItem(at: partial, to: library.directory.appendingPathComponent(id))
        progress("snapshot \(id): \(tables.reduce(0) { $0 + $1.rows }) rows in \(tables.count) tables, \(blobList.count) blobs")
        return manifest
    }

    /// Streams a file through SHA-256.
    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
