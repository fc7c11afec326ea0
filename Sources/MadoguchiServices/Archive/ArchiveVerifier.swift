import Foundation
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain

/// paperless-ngx's sanity check for our store: every blob the database names must be present
/// and hash to its name; every blob in the store should be named by the database.
public struct ArchiveVerifier: Sendable {
    let blobs: any BlobStore
    let documents: DocumentStore

    public init(blobs: any BlobStore, documents: DocumentStore) {
        self.blobs = blobs
        self.documents = documents
    }

    public struct Report: Sendable {
        public var checked = 0
        public var bytes: Int64 = 0
        /// Referenced, present, but the bytes do not hash to the name (or the size differs).
        public var corrupt: [String] = []
        /// Referenced by the database, absent from the store.
        public var missing: [String] = []
        /// In the store, referenced by nothing.
        public var orphans: [BlobInfo] = []

        public var isHealthy: Bool { corrupt.isEmpty && missing.isEmpty }
    }

    /// Walks the database's blobs, then the store's. With `rehash` false only presence and size
    /// are checked (fast). `progress` is called every 500 blobs with the count so far.
    public func verify(rehash: Bool = true, progress: (@Sendable (Int) -> Void)? = nil) async throws -> Report {
        var report = Report()
        var after = ""
        while true {
            let page = try await documents.blobs(after: after, limit: 500)
            if page.isEmpty { break }
            for (sha, size) in page {
                guard let ref = BlobRef(hex: sha) else { report.corrupt.append(sha); continue }
                guard let stat = try await blobs.stat(ref) else { report.missing.append(sha); continue }
                if stat.size != size {
                    report.corrupt.append(sha)
                } else if rehash {
                    do { _ = try await blobs.get(ref, verify: true) } catch BlobStoreError.digestMismatch { report.corrupt.append(sha) }
                }
                report.checked += 1
                report.bytes += stat.size
                if report.checked % 500 == 0 { progress?(report.checked) }
            }
            after = page.last!.sha256
        }
        var cursor: BlobRef?
        while true {
            let page = try await blobs.enumerate(after: cursor, limit: 500)
            if page.isEmpty { break }
            for info in page where try await !documents.isKnownBlob(sha256: info.ref.hex) {
                report.orphans.append(info)
            }
            cursor = page.last?.ref
        }
        return report
    }
}
