import Foundation
import MadoguchiProcess
import Logging
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiTestSupport
import NIOCore
import Testing

/// The shipped executable on an S3 bucket (#14): SeaweedFS with authentication, started by the
/// tests. Upload, preview, verify, a blob changed behind the app's back through the S3 API,
/// snapshot --with-blobs copying from the bucket, and a wrong secret stopping `serve` at start.
@Suite("madoguchi on S3-compatible blob storage")
struct S3CommandLineTests {
    func run(_ arguments: String, stdin: String? = nil, storage: URL, s3: S3Location) async throws -> ProcessRunner.Result {
        let exports = TestS3.environment(s3).map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let input = stdin.map { "printf '%s\\n' '\($0)' | " } ?? ""
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = nil
        environment["MADOGUCHI_LOG_LEVEL"] = "error"
        return try await ProcessRunner.runOffPool(["/bin/sh", "-c", "\(input)env \(exports) '\(CommandLineTests.binary)' \(arguments) --storage '\(storage.path)'"],
                                     environment: environment, workingDirectory: storage.path)
    }

    static func freePort() -> Int {
        (0..<50).lazy.map { _ in Int.random(in: 20_000...29_000) }.first { TestS3.isPortFree($0) } ?? 28_123
    }

    @Test("serve on s3://: upload and preview; verify re-hashes from the bucket; an object changed through the S3 API is CORRUPT; snapshot --with-blobs copies from S3")
    func endToEnd() async throws {
        // setup
        let (storage, cluster) = try await CommandLineTests.storageWithCluster("mdg-s3")
        defer { CommandLineTests.remove(storage, cluster) }
        let s3 = try await TestS3.shared.location()
        #expect(try await run("user create --login scanner --role clerk --password-stdin", stdin: "kanda-river-at-dusk-2026", storage: storage, s3: s3).status == 0)
        let token = try await run("token create --login scanner --name station --scope documents.write --scope applicants.write --scope applicants.view --scope documents.view",
                            storage: storage, s3: s3).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let port = Self.freePort()
        let environment = ProcessInfo.processInfo.environment.merging(TestS3.environment(s3)) { $1 }
            .merging(["MADOGUCHI_STAFF_HOURS": "always", "MADOGUCHI_SNAPSHOT_TIME": "off", "MADOGUCHI_LOG_LEVEL": "error"]) { $1 }
        let serve = try ChildProcess([CommandLineTests.binary, "serve", "--site", "staff", "--staff-port", String(port), "--storage", storage.path],
                                     environment: environment)
        defer { serve.kill() }
        let api = "http://127.0.0.1:\(port)/api/v1"
        func curl(_ arguments: String) async throws -> String {
            try await ProcessRunner.runOffPool(["/bin/sh", "-c", "curl -s -H 'Authorization: Bearer \(token)' \(arguments)"]).output
        }
        var up = false
        for _ in 0..<150 where !up {
            up = (try? await ProcessRunner.runOffPool(["curl", "-fs", "http://127.0.0.1:\(port)/healthz"]).status) == 0
            if !up { try await Task.sleep(for: .milliseconds(200)) }
        }
        try #require(up, "serve did not come up on S3")
        let applicant = try await curl("-H 'Content-Type: application/json' -d '{\"familyName\":\"保管\",\"givenName\":\"試験\",\"familyKana\":\"ホカン\",\"givenKana\":\"シケン\",\"birthDate\":\"1980-04-01\"}' \(api)/applicants")
        let applicantID = try #require((try JSONSerialization.jsonObject(with: Data(applicant.utf8)) as? [String: Any])?["id"] as? Int, "\(applicant)")
        let scan = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/scans/two-pages-g4.tif").path
        // act: upload, preview
        let uploaded = try await curl("--data-binary @'\(scan)' '\(api)/applicants/\(applicantID)/documents?kind=other'")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(uploaded.utf8)) as? [String: Any], "\(uploaded)")
        let documentID = try #require(document["id"] as? Int, "\(uploaded)")
        let preview = try await curl("-o /dev/null -w '%{http_code} %{content_type}' \(api)/documents/\(documentID)/pages/1/preview")
        await serve.stop()
        let clean = try await run("verify", storage: storage, s3: s3)
        let store = try S3BlobStore(client: S3Client(location: s3), spoolDirectory: storage.appendingPathComponent("s3-spool"))
        let blobs = try await store.enumerate(after: nil, limit: 100)
        let original = try #require(blobs.first { $0.size == Int64(try Data(contentsOf: URL(fileURLWithPath: scan)).count) })
        let snapshot = try await run("snapshot create --with-blobs '\(storage.path)/second-place'", storage: storage, s3: s3)
        // act: one object changed behind the app's back, with a plain signed PUT
        let damaged = Data("not the scan any more".utf8)
        let overwritten = try await store.client.send(.PUT, key: store.key(for: original.ref), body: .bytes(ByteBuffer(bytes: damaged)),
                                                      payloadHash: BlobRef.of(damaged).hex)
        let dirty = try await run("verify", storage: storage, s3: s3)
        // check
        #expect(preview == "200 image/png", "\(preview)")
        #expect(blobs.count >= 3, "the scan, its previews and thumbnails are in the bucket")
        #expect(clean.status == 0 && clean.output.contains("corrupt: 0, missing: 0"), "\(clean.output)")
        #expect(snapshot.status == 0, "\(snapshot.output)")
        let copy = try FileBlobStore(root: storage.appendingPathComponent("second-place"))
        #expect(try await copy.stat(original.ref)?.size == original.size)
        #expect(overwritten.status == .ok)
        #expect(dirty.status != 0)
        #expect(dirty.output.contains("CORRUPT  \(original.ref.hex)"), "\(dirty.output)")
    }

    @Test("serve with a wrong secret stops at start and says which setting to check")
    func wrongSecret() async throws {
        // setup
        let (storage, cluster) = try await CommandLineTests.storageWithCluster("mdg-s3-key")
        defer { CommandLineTests.remove(storage, cluster) }
        let good = try await TestS3.shared.location()
        let bad = S3Location(endpoint: good.endpoint, bucket: good.bucket, prefix: good.prefix, region: good.region,
                             credentials: .init(accessKey: good.credentials.accessKey, secretKey: "wrong-secret-value"))
        // act
        let result = try await run("serve --site staff --staff-port \(Self.freePort())", storage: storage, s3: bad)
        // check
        #expect(result.status != 0)
        #expect(result.output.contains("AWS_SECRET_ACCESS_KEY"), "\(result.output)")
        #expect(!result.output.contains("wrong-secret-value"))
    }
}
