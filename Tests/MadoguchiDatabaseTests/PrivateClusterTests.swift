import Foundation
import MadoguchiProcess
import Logging
import MadoguchiDatabase
import PostgresNIO
import Testing

@Suite("Private PostgreSQL cluster")
struct PrivateClusterTests {
    let logger = Logger(label: "test")

    @Test("initialises, listens only on a socket in the storage folder, survives a stale lock file, and stops")
    func lifecycle() async throws {
        // setup
        let storage = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mdg-cluster-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: storage) }
        let cluster = try PrivateCluster(storage: storage, unsafeFastMode: true)

        // act: first start initialises
        #expect(try await OffPool.run { try cluster.start(logger: logger) })
        #expect(cluster.isRunning())
        #expect(FileManager.default.fileExists(atPath: cluster.socketPath))
        #expect(cluster.socketPath.hasPrefix(storage.path))
        // a second start while its owner lives reuses the server without claiming it; the test
        // process stands in for a running `madoguchi serve`
        #expect(FileManager.default.fileExists(atPath: cluster.ownerFile.path))
        // after the owner died (a crashed app), the next start adopts the orphaned server
        try "999999\n".write(to: cluster.ownerFile, atomically: true, encoding: .utf8)
        #expect(try await OffPool.run { try cluster.start(logger: logger) })
        #expect(try String(contentsOf: cluster.ownerFile, encoding: .utf8) == "\(getpid())\n")
        let settings = try String(contentsOf: cluster.dataDirectory.appendingPathComponent("postgresql.conf"), encoding: .utf8)
        #expect(settings.contains("listen_addresses = ''"))
        try cluster.stop(logger: logger)
        #expect(!cluster.isRunning())

        // act: a crash left postmaster.pid naming a PID that now belongs to another process (ours)
        try "\(getpid())\n\(cluster.dataDirectory.path)\n".write(
            to: cluster.dataDirectory.appendingPathComponent("postmaster.pid"), atomically: true, encoding: .utf8)
        if let user = cluster.serverUser, let pw = getpwnam(user) {
            chown(cluster.dataDirectory.appendingPathComponent("postmaster.pid").path, pw.pointee.pw_uid, pw.pointee.pw_gid)
        }
        #expect(!cluster.isRunning())
        // check: it starts anyway and answers queries
        #expect(try await OffPool.run { try cluster.start(logger: logger) })
        try await cluster.prepareDatabase("madoguchi", logger: logger)
        let client = PostgresClient(configuration: cluster.configuration(database: "madoguchi", role: .owner))
        let answer = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await client.first("SELECT current_setting('listen_addresses')", as: (String).self, logger: logger)
        }
        #expect(answer == "")
        try cluster.stop(logger: logger)
        #expect(!cluster.isRunning())
    }
}
