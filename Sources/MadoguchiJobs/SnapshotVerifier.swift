import Foundation
import MadoguchiArchive
import MadoguchiDatabase

/// Checks a snapshot without restoring it: every file against its checksum, the dump readable by
/// `pg_restore --list`, and every listed blob present with the right hash in the blob store (or
/// the `--with-blobs` copy).
public struct SnapshotVerifier: Sendable {
    public let library: SnapshotLibrary

    public init(library: SnapshotLibrary) {
        self.library = library
    }

    public struct Report: Sendable {
        public var problems: [String] = []
        public var blobsChecked = 0
        public var isHealthy: Bool { problems.isEmpty }
    }

    public func verify(_ id: String, blobs: (any BlobStore)?, tools: PostgresToolConnection?,
                       progress: @Sendable (String) -> Void = { _ in }) async throws -> Report {
        let entry = try library.entry(id)
        var report = Report()
        for file in entry.manifest.files {
            let url = entry.folder.appendingPathComponent(file.name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                report.problems.append("\(file.name) is missing")
                continue
            }
            if try Snapshotter.sha256(of: url) != file.sha256 { report.problems.append("\(file.name) does not match its checksum") }
        }
        progress("files checked")
        do {
            let listing = try (tools ?? PostgresToolConnection(dbname: "postgres")).run(
                "pg_restore", ["--list", entry.folder.appendingPathComponent(SnapshotManifest.dumpName).path])
            if !listing.contains("TABLE DATA") { report.problems.append("the dump lists no table data") }
        } catch {
            report.problems.append("pg_restore cannot read the dump")
        }
        progress("dump readable")
        let store: (any BlobStore)? = try entry.manifest.blobCopy.map { try FileBlobStore(root: URL(fileURLWithPath: $0)) } ?? blobs
        if let store {
            let lines = (try? String(contentsOf: entry.folder.appendingPathComponent(SnapshotManifest.blobListName), encoding: .utf8)) ?? ""
            let rows = lines.split(separator: "\n")
            for (index, line) in rows.enumerated() {
                let parts = line.split(separator: "\t")
                guard parts.count == 2, let ref = BlobRef(hex: String(parts[0])) else {
                    report.problems.append("blob list line \(index + 1) is malformed")
                    continue
                }
                do {
                    let data = try await store.get(ref, verify: true)
                    if Int64(data.count) != Int64(parts[1]) { report.problems.append("blob \(parts[0]) has the wrong size") }
                } catch {
                    report.problems.append("blob \(parts[0]) is missing or damaged")
                }
                report.blobsChecked += 1
                if index % 100 == 99 { progress("blobs \(index + 1)/\(rows.count)") }
            }
        } else {
            report.problems.append("no blob store to check the blobs against")
        }
        return report
    }
}
