import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#endif

/// Blobs as objects `<prefix>sha256/ab/<hex>` in an S3-compatible bucket (path-style, SigV4).
///
/// A put must know the SHA-256 before it can name the object, so the stream is received into a
/// spool file (0600, in `spoolDirectory`) while SHA-256 and MD5 are computed, then sent in one
/// PUT with `Content-MD5` and the SHA-256 as `x-amz-content-sha256`: the server rejects a body
/// damaged on the way (S3 by either, SeaweedFS by MD5). The PUT is durable when the server
/// answers 200 (the caller commits its row only afterwards). An object already there with the
/// same size is not sent again. Reads with `verify` re-hash the bytes: the name is the proof.
public struct S3BlobStore: BlobReceiver, BlobFetcher, BlobStatter, BlobEnumerator, BlobRemover {
    public let client: S3Client
    public let spoolDirectory: URL
    /// Streams up to this size stay in memory instead of going through a spool file.
    let inMemoryLimit = 4 << 20
    static let spoolPrefix = ".s3-spool-"
    static let readChunk = 1 << 20

    public init(client: S3Client, spoolDirectory: URL) throws {
        self.client = client
        self.spoolDirectory = spoolDirectory
        try FileManager.default.createDirectory(at: spoolDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    public var location: S3Location { client.location }

    /// The object name of a blob (documented in the README: an operator can find it with any S3 tool).
    public func key(for ref: BlobRef) -> String {
        "\(location.prefix)sha256/\(ref.hex.prefix(2))/\(ref.hex)"
    }

    /// Checks that the bucket is there and the credentials work (at start-up: fail early and clearly).
    public func checkAccess() async throws {
        let response = try await client.send(.HEAD, key: nil)
        guard response.status == .ok else {
            if response.status == .notFound {
                throw BlobStoreError.misconfigured("the bucket '\(location.bucket)' does not exist at \(location.endpoint.absoluteString) (create it first)")
            }
            throw client.failure(response, doing: "checking the bucket")
        }
    }

    /// Creates the bucket if it is missing (setup and tests; production buckets are made by the operator).
    public func createBucket() async throws {
        let response = try await client.send(.PUT, key: nil)
        guard response.status == .ok || S3XML.error(in: response.body)?.code == "BucketAlreadyOwnedByYou" else {
            throw client.failure(response, doing: "creating the bucket")
        }
    }

    // MARK: receive

    public func put<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, expected: BlobRef?, limit: Int64?) async throws -> BlobInfo
    where Chunks.Element == [UInt8] {
        var sha = SHA256(), md5 = Insecure.MD5()
        var size: Int64 = 0
        var memory: [UInt8] = []
        var spool: (fd: Int32, path: String)?
        defer {
            if let spool {
                close(spool.fd)
                unlink(spool.path)
            }
        }
        for try await chunk in chunks {
            size += Int64(chunk.count)
            if let limit, size > limit { throw BlobStoreError.tooLarge(limit: limit) }
            sha.update(data: chunk)
            md5.update(data: chunk)
            if spool == nil, memory.count + chunk.count <= inMemoryLimit {
                memory += chunk
                continue
            }
            if spool == nil {
                spool = try openSpool()
                try Self.writeAll(spool!.fd, memory)
                memory = []
            }
            try Self.writeAll(spool!.fd, chunk)
        }
        let ref = BlobRef(digest: sha.finalize())
        if let expected, expected != ref { throw BlobStoreError.digestMismatch(expected: expected, actual: ref) }
        if let existing = try await stat(ref), existing.size == size { return existing }
        let md5Base64 = Data(md5.finalize()).base64EncodedString()
        let body: S3Client.Body
        if let spool {
            let (path, length) = (spool.path, size)
            body = .stream({ .stream(SpoolReader(path: path, chunkSize: Self.readChunk), length: .known(length)) }, length: length)
        } else {
            body = .bytes(ByteBuffer(bytes: memory))
        }
        let response = try await client.send(.PUT, key: key(for: ref), headers: [("content-md5", md5Base64), ("content-type", "application/octet-stream")],
                                              body: body, payloadHash: ref.hex)
        guard response.status == .ok else { throw client.failure(response, doing: "storing blob \(ref)") }
        return BlobInfo(ref: ref, size: size, modifiedAt: Date())
    }

    func openSpool() throws -> (fd: Int32, path: String) {
        let path = spoolDirectory.appendingPathComponent(Self.spoolPrefix + UUID().uuidString).path
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BlobStoreError.io("cannot create spool file \(path): \(String(cString: strerror(errno)))") }
        return (fd, path)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BlobStoreError.io("spool write: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    // MARK: fetch, stat, enumerate, remove

    public func get(_ ref: BlobRef, verify: Bool) async throws -> Data {
        let response = try await client.send(.GET, key: key(for: ref), maxResponseBytes: Int(Int32.max))
        if response.status == .notFound { throw BlobStoreError.notFound(ref) }
        guard response.status == .ok else { throw client.failure(response, doing: "reading blob \(ref)") }
        let data = Data(response.body.readableBytesView)
        if verify {
            let actual = BlobRef.of(data)
            if actual != ref { throw BlobStoreError.digestMismatch(expected: ref, actual: actual) }
        }
        return data
    }

    public func stat(_ ref: BlobRef) async throws -> BlobInfo? {
        let response = try await client.send(.HEAD, key: key(for: ref))
        if response.status == .notFound { return nil }
        guard response.status == .ok else { throw client.failure(response, doing: "looking up blob \(ref)") }
        let size = response.headers.first(name: "content-length").flatMap(Int64.init) ?? 0
        return BlobInfo(ref: ref, size: size, modifiedAt: response.headers.first(name: "last-modified").flatMap(Self.httpDate))
    }

    public func enumerate(after: BlobRef?, limit: Int) async throws -> [BlobInfo] {
        let folder = "\(location.prefix)sha256/"
        var startAfter = after.map(key(for:)) ?? folder
        var found: [BlobInfo] = []
        // Objects under the folder that are not blobs (a stray upload) are skipped, so a page can
        // come back short of blobs while the listing goes on.
        while found.count < limit {
            let query = [("list-type", "2"), ("prefix", folder), ("start-after", startAfter), ("max-keys", String(limit - found.count))]
            let response = try await client.send(.GET, key: nil, query: query, maxResponseBytes: 64 << 20)
            guard response.status == .ok else { throw client.failure(response, doing: "listing blobs") }
            let listing = try S3XML.listing(in: response.body)
            for object in listing.objects {
                let name = object.key.split(separator: "/").last.map(String.init) ?? ""
                if let ref = BlobRef(hex: name), object.key == key(for: ref) {
                    found.append(BlobInfo(ref: ref, size: object.size, modifiedAt: object.modified))
                }
            }
            guard listing.isTruncated, let last = listing.objects.last?.key else { break }
            startAfter = last
        }
        return found
    }

    public func remove(_ ref: BlobRef) async throws -> Bool {
        // S3 answers 204 whether or not the object was there: ask first.
        guard try await stat(ref) != nil else { return false }
        let response = try await client.send(.DELETE, key: key(for: ref))
        guard response.status == .noContent || response.status == .ok else { throw client.failure(response, doing: "deleting blob \(ref)") }
        return true
    }

    /// Spool files left by a process that died mid-upload. Nothing is left on the S3 side: a
    /// single PUT is stored whole or not at all.
    public func removeIncompleteUploads(olderThan cutoff: Date) async throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spoolDirectory.path)) ?? []
        var removed = 0
        for name in names where name.hasPrefix(Self.spoolPrefix) {
            let url = spoolDirectory.appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? Date()
            if modified < cutoff, (try? FileManager.default.removeItem(at: url)) != nil { removed += 1 }
        }
        return removed
    }

    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

/// Reads a spool file back in chunks for the PUT body (each attempt opens the file afresh).
struct SpoolReader: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let chunkSize: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        let chunkSize: Int
        mutating func next() async throws -> ByteBuffer? {
            guard let handle else { throw BlobStoreError.io("spool file vanished before upload") }
            guard let data = try handle.read(upToCount: chunkSize), !data.isEmpty else {
                try? handle.close()
                return nil
            }
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: FileHandle(forReadingAtPath: path), chunkSize: chunkSize) }
}
