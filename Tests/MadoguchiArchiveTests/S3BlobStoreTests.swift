import Foundation
import MadoguchiArchive
import MadoguchiTestSupport
import NIOCore
import Testing

/// What only the S3 backend has: settings, spooling, and refusals that say what to fix. The
/// shared behaviour is in the conformance suite; these run against the same SeaweedFS.
@Suite("S3 blob store")
struct S3BlobStoreTests {
    @Test("a stream larger than the in-memory part goes through a spool file, which is gone afterwards")
    func spooled() async throws {
        // setup: 9 MiB in 64 KiB chunks
        let spool = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("spool-\(UUID().uuidString)")
        let store = try await TestS3.shared.store(spool: spool)
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(9 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // act
        let info = try await store.put(Chunks(bytes, size: 65536), expected: nil, limit: nil)
        // check
        #expect(info.ref == BlobRef.of(bytes) && info.size == 9 << 20)
        #expect(try await store.get(info.ref, verify: true) == Data(bytes))
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).isEmpty)
        #expect(try await store.stat(info.ref)?.size == 9 << 20)
    }

    @Test("objects are named <prefix>sha256/ab/<hex>, so any S3 tool finds a blob")
    func layout() async throws {
        // setup
        let store = try await TestS3.shared.store()
        let data = Data("受付票".utf8)
        // act
        let info = try await store.put(data)
        let raw = try await store.client.send(.GET, key: "\(store.location.prefix)sha256/\(info.ref.hex.prefix(2))/\(info.ref.hex)")
        // check
        #expect(raw.status == .ok)
        #expect(Data(raw.body.readableBytesView) == data)
    }

    @Test("a wrong secret is refused with a message naming the credentials, and nothing is stored")
    func wrongSecret() async throws {
        // setup
        let good = try await TestS3.shared.store()
        let location = good.location
        let bad = try S3BlobStore(client: S3Client(location: S3Location(endpoint: location.endpoint, bucket: location.bucket, prefix: location.prefix,
                                                                         region: location.region,
                                                                         credentials: .init(accessKey: location.credentials.accessKey, secretKey: "not-the-secret"))),
                                  spoolDirectory: good.spoolDirectory)
        // act
        let error = await #expect(throws: BlobStoreError.self) { try await bad.put(Data("scan".utf8)) }
        // check
        guard case .misconfigured(let message) = error else { Issue.record("expected misconfigured, got \(String(describing: error))"); return }
        #expect(message.contains("AWS_SECRET_ACCESS_KEY"))
        #expect(!message.contains("not-the-secret"))
        #expect(try await good.enumerate(after: nil, limit: 10).isEmpty)
        await #expect(throws: BlobStoreError.self) { try await bad.checkAccess() }
    }

    @Test("a missing bucket is named in the refusal (a key scoped to its own bucket gets 403 for any other)")
    func missingBucket() async throws {
        // setup
        let location = try await TestS3.shared.location(bucket: "no-such-bucket-here")
        let store = try S3BlobStore(client: S3Client(location: location), spoolDirectory: URL(fileURLWithPath: NSTemporaryDirectory()))
        // act
        let checked = await #expect(throws: BlobStoreError.self) { try await store.checkAccess() }
        let stored = await #expect(throws: BlobStoreError.self) { try await store.put(Data("scan".utf8)) }
        // check
        for error in [checked, stored] {
            guard case .misconfigured(let message) = error else { Issue.record("expected misconfigured, got \(String(describing: error))"); continue }
            #expect(message.contains("'no-such-bucket-here' exists"))
        }
    }

    @Test("an unreachable endpoint is 'unavailable' (retry later), naming the endpoint")
    func unreachable() async throws {
        // setup: a port nobody listens on
        let location = S3Location(endpoint: URL(string: "http://127.0.0.1:9")!, bucket: "madoguchi", prefix: "x",
                                  region: "us-east-1", credentials: .init(accessKey: "a", secretKey: "b"))
        let store = try S3BlobStore(client: S3Client(location: location), spoolDirectory: URL(fileURLWithPath: NSTemporaryDirectory()))
        // act
        let error = await #expect(throws: BlobStoreError.self) { try await store.put(Data("scan".utf8)) }
        // check
        guard case .unavailable(let message) = error else { Issue.record("expected unavailable, got \(String(describing: error))"); return }
        #expect(message.contains("127.0.0.1:9"))
    }

    @Test("settings: s3://bucket/prefix with endpoint and keys; every missing one named")
    func settings() throws {
        // setup
        let storage = URL(fileURLWithPath: "/srv/madoguchi")
        let environment = ["MADOGUCHI_BLOBS": "s3://city-scans/madoguchi", "MADOGUCHI_S3_ENDPOINT": "http://127.0.0.1:8333",
                           "AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK"]
        // act
        let setting = try BlobStoreSetting.from(environment: environment, storage: storage)
        let fallback = try BlobStoreSetting.from(environment: [:], storage: storage)
        let missing = #expect(throws: BlobStoreError.self) { try BlobStoreSetting.from(environment: ["MADOGUCHI_BLOBS": "s3://x"], storage: storage) }
        // check
        guard case .s3(let location, let spool) = setting else { Issue.record("not s3"); return }
        #expect(location.bucket == "city-scans" && location.prefix == "madoguchi/" && location.region == "us-east-1")
        #expect(location.hostHeader == "127.0.0.1:8333")
        #expect(spool.path == "/srv/madoguchi/s3-spool")
        #expect(fallback == .file(storage.appendingPathComponent("blobs")))
        let message = "\(String(describing: missing))"
        for name in ["bucket name", "MADOGUCHI_S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] { #expect(message.contains(name)) }
    }
}
