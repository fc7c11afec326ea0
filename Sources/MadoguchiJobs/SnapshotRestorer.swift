import Foundation
import Logging
import MadoguchiArchive
import MadoguchiDatabase
import PostgresNIO

/// Restores a snapshot into an empty database and a blob store, then proves it: the row counts
/// and checksums of every table must equal those recorded when the snapshot was taken.
public struct SnapshotRestorer: Sendable {
    public let library: SnapshotLibrary

    public init(library: SnapshotLibrary) {
        self.library = library
    }

    public struct Result: Sendable {
        public var tables: Int
        public var rows: Int64
        public var blobsCopied: Int
    }

    /// `target` must be empty (no tables) unless `replacing`, which drops its public schema first.
    public func restore(_ id: String, into target: Database, blobsFrom source: (any BlobStore)?, blobsTo destination: any BlobStore,
                        replacing: Bool = false, progress: @Sendable (String) -> Void = { _ in }) async throws -> Result {
        let entry = try library.entry(id)
        guard let tools = target.toolConnection else { throw SnapshotError.damaged("no connection settings for pg_restore") }
        let logger = target.logger
        let tableCount = try await target.client.first(
            "SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public'", as: (Int).self, logger: logger) ?? 0
        if tableCount > 0 {
            guard replacing else { throw SnapshotError.targetNotEmpty("the target database") }
            try await target.client.execute("DROP SCHEMA public CASCADE", logger: logger)
            try await target.client.execute("CREATE SCHEMA public", logger: logger)
        }
        progress("restoring the database")
        _ = try await tools.runDetached("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                                     "--dbname=\(tools.dbname)", entry.folder.appendingPathComponent(SnapshotManifest.dumpName).path])
        // Blobs: from the copy made with --with-blobs if there is one, else from the source store.
        let from: (any BlobStore)? = try entry.manifest.blobCopy.flatMap { path in
            FileManager.default.fileExists(atPath: path) ? try FileBlobStore(root: URL(fileURLWithPath: path)) : nil
        } ?? source
        let lines = try String(contentsOf: entry.folder.appendingPathComponent(SnapshotManifest.blobListName), encoding: .utf8)
            .split(separator: "\n")
        var copied = 0
        for (index, line) in lines.enumerated() {
            guard let ref = line.split(separator: "\t").first.flatMap({ BlobRef(hex: String($0)) }) else { continue }
            if try await destination.stat(ref) != nil { continue }
            guard let from else { throw SnapshotError.damaged("no blob store to copy blob \(ref) from") }
            _ = try await destination.put(try await from.get(ref, verify: true), expected: ref)
            copied += 1
            if index % 100 == 99 { progress("blobs \(index + 1)/\(lines.count)") }
        }
        progress("comparing tables")
        let actual = try await TableChecksums.compute(in: target)
        let differences = TableChecksums.differences(expected: entry.manifest.tables, actual: actual)
        guard differences.isEmpty else { throw SnapshotError.mismatch(differences) }
        return Result(tables: actual.count, rows: actual.reduce(0) { $0 + $1.rows }, blobsCopied: copied)
    }
}
