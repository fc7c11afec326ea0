import Foundation
import MadoguchiArchive
import MadoguchiTestSupport
import NIOCore
import Testing

/// The one suite every blob backend must pass (perkeep's storagetest idea). A new backend (the
/// S3-compatible one) is added to `Backend` and gets every test below.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, file, s3

    var testDescription: String { rawValue }

    /// A fresh, empty store, and a way to damage a stored blob behind the store's back (for S3:
    /// a plain signed PUT over the object, as any S3 tool could do).
    func make() async throws -> (any BlobStore, corrupt: @Sendable (BlobRef, Data) async throws -> Void) {
        switch self {
        case .memory:
            let store = MemoryBlobStore()
            return (store, { store.corrupt($0, with: $1) })
        case .file:
            let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("blobs-\(UUID().uuidString)")
            let store = try FileBlobStore(root: root)
            return (store, { ref, data in
                let path = store.path(for: ref)
                chmod(path, 0o644)
                try data.write(to: URL(fileURLWithPath: path))
            })
        case .s3:
            let store = try await TestS3.shared.store()
            return (store, { ref, data in
                let response = try await store.client.send(.PUT, key: store.key(for: ref), body: .bytes(ByteBuffer(bytes: data)),
                                                           payloadHash: BlobRef.of(data).hex)
                #expect(response.status == .ok)
            })
        }
    }
}

/// Chunks as a scanner station's upload would arrive.
struct Chunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let parts: [[UInt8]]

    struct AsyncIterator: AsyncIteratorProtocol {
        var parts: [[UInt8]]
        mutating func next() async -> [UInt8]? { parts.isEmpty ? nil : parts.removeFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(parts: parts) }

    init(_ data: [UInt8], size: Int) {
        parts = stride(from: 0, to: data.count, by: size).map { Array(data[$0..<Swift.min($0 + size, data.count)]) }
    }
}

@Suite("Blob store conformance")
struct BlobStoreConformanceTests {
    @Test("a blob is named by its SHA-256 and reads back byte for byte", arguments: Backend.allCases)
    func roundTrip(backend: Backend) async throws {
        // setup
        let (store, _) = try await backend.make()
        // act
        let info = try await store.put(Data("abc".utf8))
        let empty = try await store.put(Data())
        // check: FIPS 180-2 test vectors
        #expect(info.ref.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(info.size == 3)
        #expect(empty.ref.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try await store.get(info.ref, verify: true) == Data("abc".utf8))
        #expect(try await store.stat(info.ref) == info)
    }

    @Test("a stream in many chunks stores the same blob as one piece", arguments: Backend.allCases)
    func chunked(backend: Backend) async throws {
        // setup: 1 MiB of pseudo-random bytes
        let (store, _) = try await backend.make()
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // act
        let streamed = try await store.put(Chunks(bytes, size: 4093), expected: nil, limit: nil)
        // check
        #expect(streamed.ref == BlobRef.of(bytes))
        #expect(streamed.size == 1 << 20)
        #expect(try await store.get(streamed.ref, verify: true) == Data(bytes))
    }

    @Test("the same content stored twice, even at once, is one blob", arguments: Backend.allCases)
    func deduplicates(backend: Backend) async throws {
        let (store, _) = try await backend.make()
        let data = Data("申請書 page 1".utf8)
        let results = try await withThrowingTaskGroup(of: BlobInfo.self) { group in
            for _ in 0..<6 { group.addTask { try await store.put(data) } }
            return try await group.reduce(into: [BlobInfo]()) { $0.append($1) }
        }
        #expect(Set(results).count == 1)
        #expect(try await store.enumerate(after: nil, limit: 100).count == 1)
    }

    @Test("content that does not match the expected name is refused and not stored", arguments: Backend.allCases)
    func expectedMismatch(backend: Backend) async throws {
        let (store, _) = try await backend.make()
        let claimed = BlobRef.of(Data("what the client said".utf8))
        await #expect(throws: BlobStoreError.self) {
            try await store.put(Data("what arrived".utf8), expected: claimed)
        }
        #expect(try await store.enumerate(after: nil, limit: 10).isEmpty)
        #expect(try await store.stat(BlobRef.of(Data("what arrived".utf8))) == nil)
    }

    @Test("a stream over the size limit is refused whole", arguments: Backend.allCases)
    func sizeLimit(backend: Backend) async throws {
        let (store, _) = try await backend.make()
        await #expect(throws: BlobStoreError.tooLarge(limit: 1000)) {
            try await store.put(Chunks([UInt8](repeating: 7, count: 5000), size: 512), expected: nil, limit: 1000)
        }
        #expect(try await store.enumerate(after: nil, limit: 10).isEmpty)
    }

    @Test("a missing blob is nil on stat and notFound on get", arguments: Backend.allCases)
    func missing(backend: Backend) async throws {
        let (store, _) = try await backend.make()
        let ref = BlobRef.of(Data("never stored".utf8))
        #expect(try await store.stat(ref) == nil)
        await #expect(throws: BlobStoreError.notFound(ref)) { try await store.get(ref, verify: false) }
        #expect(try await store.remove(ref) == false)
    }

    @Test("enumeration is in reference order and pages with `after`", arguments: Backend.allCases)
    func enumeration(backend: Backend) async throws {
        // setup
        let (store, _) = try await backend.make()
        var refs: [BlobRef] = []
        for i in 0..<25 { refs.append(try await store.put(Data("blob \(i)".utf8)).ref) }
        refs.sort()
        // act
        var seen: [BlobRef] = []
        var after: BlobRef?
        while true {
            let page = try await store.enumerate(after: after, limit: 7)
            if page.isEmpty { break }
            seen += page.map(\.ref)
            after = page.last?.ref
        }
        // check
        #expect(seen == refs)
    }

    @Test("remove deletes once", arguments: Backend.allCases)
    func remove(backend: Backend) async throws {
        let (store, _) = try await backend.make()
        let info = try await store.put(Data("to be collected".utf8))
        #expect(try await store.remove(info.ref))
        #expect(try await store.remove(info.ref) == false)
        #expect(try await store.stat(info.ref) == nil)
    }

    @Test("reading with verification detects bytes changed behind the store's back", arguments: Backend.allCases)
    func bitRot(backend: Backend) async throws {
        let (store, corrupt) = try await backend.make()
        let info = try await store.put(Data("original scan".utf8))
        try await corrupt(info.ref, Data("0riginal scan".utf8))
        await #expect(throws: BlobStoreError.self) { try await store.get(info.ref, verify: true) }
        #expect(try await store.get(info.ref, verify: false) == Data("0riginal scan".utf8))
    }
}
