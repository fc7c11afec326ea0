import Foundation
import MadoguchiProcess
import Logging
import MadoguchiDatabase
import PostgresNIO
import Synchronization
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

    func query(_ cluster: PrivateCluster) async throws -> Int32? {
        let client = PostgresClient(configuration: cluster.configuration(database: "postgres", role: .owner))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await client.first("SELECT 1", as: (Int32).self, logger: logger)
        }
    }

    func postmasterPID(_ cluster: PrivateCluster) throws -> pid_t {
        let text = try String(contentsOf: cluster.dataDirectory.appendingPathComponent("postmaster.pid"), encoding: .utf8)
        return try #require(text.split(separator: "\n").first.flatMap { pid_t($0) })
    }

    @Test("a zombie postmaster named by the lock file counts as stopped and the next start works; a killed postmaster is restarted by the supervisor")
    func crashRecovery() async throws {
        // setup: a cluster, then a crash that leaves its lock naming a dead, unreaped process called postgres
        let storage = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mdg-cluster-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: storage) }
        let cluster = try PrivateCluster(storage: storage, unsafeFastMode: true)
        try await OffPool.run { _ = try cluster.start(logger: logger) }
        try await cluster.prepareDatabase("postgres", logger: logger)
        try cluster.stop(logger: logger)
        let bin = storage.appendingPathComponent("fake-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("postgres")
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: fake.path)
        let zombie = try ChildProcess([fake.path])  // never waited for: a zombie once it exits
        for _ in 0..<100 where !((try? String(contentsOfFile: "/proc/\(zombie.pid)/stat", encoding: .utf8)) ?? "").contains(") Z") {
            try await Task.sleep(for: .milliseconds(20))
        }
        let lock = cluster.dataDirectory.appendingPathComponent("postmaster.pid")
        try "\(zombie.pid)\n\(cluster.dataDirectory.path)\n".write(to: lock, atomically: true, encoding: .utf8)
        if let user = cluster.serverUser, let pw = getpwnam(user) { chown(lock.path, pw.pointee.pw_uid, pw.pointee.pw_gid) }
        // act
        let zombieCounts = cluster.isRunning()
        let started = try await OffPool.run { try cluster.start(logger: logger) }
        let first = try await query(cluster)
        _ = zombie.exitStatus  // reaped now
        // check
        #expect(!zombieCounts && started && first == 1)

        // act: the postmaster is killed while the supervisor watches
        let restarts = Counter()
        let supervisor = Task { await ClusterSupervisor(cluster: cluster, logger: logger, interval: .milliseconds(200), restarted: { restarts.add() }).run() }
        defer { supervisor.cancel() }
        Foundation.kill(try postmasterPID(cluster), SIGKILL)
        var answered: Int32?
        for _ in 0..<150 where answered == nil {
            try await Task.sleep(for: .milliseconds(200))
            if restarts.value > 0 { answered = try? await query(cluster) }
        }
        supervisor.cancel()
        // check
        #expect(answered == 1 && restarts.value == 1)
        #expect(cluster.isRunning())
        try cluster.stop(logger: logger)
    }
}

/// Counts calls from another task.
final class Counter: Sendable {
    let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
