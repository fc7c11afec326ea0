import Crypto
import Foundation
import Synchronization

/// A blob store in memory: for unit tests of code that needs a store, never for data.
public final class MemoryBlobStore: BlobReceiver, BlobFetcher, BlobStatter, BlobEnumerator, BlobRemover {
    private let blobs = Mutex<[BlobRef: Data]>([:])

    public init() {}

    public func put<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, expected: BlobRef?, limit: Int64?) async throws -> BlobInfo
    where Chunks.Element == [UInt8] {
        var data = Data()
        var hasher = SHA256()
        for try await chunk in chunks {
            data.append(contentsOf: chunk)
            hasher.update(data: chunk)
            if let limit, Int64(data.count) > limit { throw BlobStoreError.tooLarge(limit: limit) }
        }
        let ref = BlobRef(digest: hasher.finalize())
        if let expected, expected != ref { throw BlobStoreError.digestMismatch(expected: expected, actual: ref) }
        blobs.withLock { $0[ref] = data }
        return BlobInfo(ref: ref, size: Int64(data.count))
    }

    public func get(_ ref: BlobRef, verify: Bool) async throws -> Data {
        guard let data = blobs.withLock({ $0[ref] }) else { throw BlobStoreError.notFound(ref) }
        if verify, BlobRef.of(data) != ref { throw BlobStoreError.digestMismatch(expected: ref, actual: BlobRef.of(data)) }
        return data
    }

    public func stat(_ ref: BlobRef) async throws -> BlobInfo? {
        blobs.withLock { $0[ref] }.map { BlobInfo(ref: ref, size: Int64($0.count)) }
    }

    public func enumerate(after: BlobRef?, limit: Int) async throws -> [BlobInfo] {
        blobs.withLock { blobs in
            blobs.keys.filter { after == nil || $0 > after! }.sorted().prefix(limit).map { BlobInfo(ref: $0, size: Int64(blobs[$0]!.count)) }
        }
    }

    public func remove(_ ref: BlobRef) async throws -> Bool {
        blobs.withLock { $0.removeValue(forKey: ref) != nil }
    }

    /// Nothing is ever left half-written in memory.
    public func removeIncompleteUploads(olderThan cutoff: Date) async throws -> Int { 0 }

    /// Test hook: replaces a blob's bytes without renaming it (simulated bit rot).
    public func corrupt(_ ref: BlobRef, with data: Data) {
        blobs.withLock { $0[ref] = data }
    }
}
