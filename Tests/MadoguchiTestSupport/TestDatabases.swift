import Foundation
import Logging
import MadoguchiDatabase
import PostgresNIO

/// Real PostgreSQL for tests, fast: one throwaway private cluster per test process, migrated once
/// into a template database; each test gets its own copy (`CREATE DATABASE … TEMPLATE`), so tests
/// run in parallel without seeing each other's rows (the SwiftPackageIndex-Server approach).
///
/// With `MADOGUCHI_TEST_DATABASE_URL` the databases are created on that server instead (its user
/// needs CREATEDB). The cluster is stopped and removed by a watchdog when the test process ends.
public actor TestDatabases {
    public static let shared = TestDatabases()

    static let templateName = "madoguchi_template"
    var adminConfiguration: ((String) -> PostgresClient.Configuration)?
    var admin: Database?
    /// The one-time setup; concurrent first callers all wait for the same task (actor reentrancy
    /// would otherwise let a test copy a template that is still being migrated).
    var preparation: Task<Void, any Error>?
    var counter = 0
    let logger: Logger = {
        var logger = Logger(label: "madoguchi.test")
        logger.logLevel = .warning
        return logger
    }()

    /// The repository's `schema/` folder, found from this source file.
    public static var schemaDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("schema")
    }

    /// A fresh, migrated database; dropped after `body` returns or throws.
    public func withDatabase<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        let name = try await createDatabase()
        let configuration = adminConfiguration!(name)
        let database = Database(configuration: configuration, logger: logger)
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            do { return .success(try await body(database)) } catch { return .failure(error) }
        }
        try? await admin?.client.execute("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
        return try result.get()
    }

    /// Creates an empty, unmigrated database (for migration tests); the caller drops it.
    public func emptyDatabase() async throws -> (PostgresClient.Configuration, drop: @Sendable () async -> Void) {
        try await prepare()
        counter += 1
        let name = "t_empty_\(getpid())_\(counter)"
        try await admin!.client.execute("CREATE DATABASE \(unescaped: name)", logger: logger)
        let admin = admin!, logger = logger
        return (adminConfiguration!(name), {
            try? await admin.client.execute("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
        })
    }

    /// An empty, unmigrated database with its pool running (a restore target); dropped after `body`.
    public func withEmptyDatabase<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        let (configuration, drop) = try await emptyDatabase()
        let database = Database(configuration: configuration, logger: logger)
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            do { return .success(try await body(database)) } catch { return .failure(error) }
        }
        await drop()
        return try result.get()
    }

    func createDatabase() async throws -> String {
        try await prepare()
        counter += 1
        let name = "t_\(getpid())_\(counter)"
        try await admin!.client.execute("CREATE DATABASE \(unescaped: name) TEMPLATE \(unescaped: Self.templateName)", logger: logger)
        return name
    }

    func prepare() async throws {
        if preparation == nil {
            preparation = Task { try await self.setUp() }
        }
        try await preparation!.value
    }

    /// Starts the cluster (or connects to the given server) and builds the template.
    func setUp() async throws {
        if let url = ProcessInfo.processInfo.environment["MADOGUCHI_TEST_DATABASE_URL"], !url.isEmpty {
            let base = try DatabaseLocation.configuration(fromURL: url)
            adminConfiguration = { name in
                var c = base
                c.database = name
                c.options.maximumConnections = 4
                return c
            }
        } else {
            let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("madoguchi-test-\(getpid())")
            let cluster = try PrivateCluster(storage: root, unsafeFastMode: true)
            try cluster.start(logger: logger)
            try Self.startWatchdog(cluster: cluster, root: root)
            adminConfiguration = { name in
                var c = cluster.configuration(database: name)
                c.options.maximumConnections = 4
                return c
            }
        }
        let admin = Database(configuration: adminConfiguration!("postgres"), logger: logger)
        Task { await admin.client.run() }
        self.admin = admin
        try await admin.client.execute("DROP DATABASE IF EXISTS \(unescaped: Self.templateName) WITH (FORCE)", logger: logger)
        try await admin.client.execute("CREATE DATABASE \(unescaped: Self.templateName)", logger: logger)
        let template = Database(configuration: adminConfiguration!(Self.templateName), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await template.client.run() }
            try await Migrator(directory: Self.schemaDirectory).migrate(template.client, logger: logger)
            group.cancelAll()
        }
    }

    /// A detached shell that waits for this process to end, then stops and deletes the cluster.
    static func startWatchdog(cluster: PrivateCluster, root: URL) throws {
        let runAs = cluster.serverUser.map { "/usr/sbin/runuser -u \($0) -- " } ?? ""
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            \(runAs)\(cluster.tool("pg_ctl")) stop -D '\(cluster.dataDirectory.path)' -m immediate >/dev/null 2>&1
            rm -rf '\(root.path)'
            """
        try ProcessRunner.spawnDetached(["/bin/sh", "-c", script])
    }
}
