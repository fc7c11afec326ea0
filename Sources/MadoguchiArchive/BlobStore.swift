import Foundation

/// Receives a stream of bytes and stores it under its SHA-256 (perkeep's "receive").
///
/// The blob is durable when `put` returns: callers commit the database row that references it
/// only afterwards, so a crash leaves at worst an unreferenced blob (DESIGN, integrity rules).
public protocol BlobReceiver: Sendable {
    /// Stores the chunks; when `expected` is given and the content hashes differently, nothing is
    /// stored and `digestMismatch` is thrown. Streams longer than `limit` bytes are refused whole.
    func put<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, expected: BlobRef?, limit: Int64?) async throws -> BlobInfo
    where Chunks.Element == [UInt8]
}

/// Reads blobs back.
public protocol BlobFetcher: Sendable {
    /// The whole blob. With `verify`, the bytes are re-hashed and a mismatch is `digestMismatch`.
    func get(_ ref: BlobRef, verify: Bool) async throws -> Data
}

/// Says whether a blob exists, and its size, without reading it.
public protocol BlobStatter: Sendable {
    func stat(_ ref: BlobRef) async throws -> BlobInfo?
}

/// Lists blobs in reference order, a page at a time (for verification and garbage collection).
public protocol BlobEnumerator: Sendable {
    func enumerate(after: BlobRef?, limit: Int) async throws -> [BlobInfo]
}

/// Deletes a blob; only garbage collection of unreferenced blobs calls this.
public protocol BlobRemover: Sendable {
    /// Returns false when there was no such blob.
    func remove(_ ref: BlobRef) async throws -> Bool
    /// Deletes what interrupted puts left behind (temporary files, unfinished multipart uploads)
    /// that is older than `cutoff`; returns how many.
    func removeIncompleteUploads(olderThan cutoff: Date) async throws -> Int
}

/// Everything a backend offers. Every backend passes the same conformance suite.
public typealias BlobStore = BlobReceiver & BlobFetcher & BlobStatter & BlobEnumerator & BlobRemover

extension BlobReceiver {
    /// Stores an in-memory payload (small files, previews, tests).
    public func put(_ data: Data, expected: BlobRef? = nil) async throws -> BlobInfo {
        try await put(OneChunk(bytes: [UInt8](data)), expected: expected, limit: nil)
    }
}

/// An async sequence of a single chunk.
struct OneChunk: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let bytes: [UInt8]

    struct AsyncIterator: AsyncIteratorProtocol {
        var bytes: [UInt8]?
        mutating func next() async -> [UInt8]? {
            defer { bytes = nil }
            return bytes
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes) }
}
