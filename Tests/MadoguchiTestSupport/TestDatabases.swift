import Foundation
import MadoguchiProcess
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// Real PostgreSQL for tests, fast: one throwaway private cluster per test process, migrated once
/// into a template database; each test gets its own copy (`CREATE DATABASE … TEMPLATE`), so tests
/// run in parallel without seeing each other's rows (the SwiftPackageIndex-Server approach).
///
/// The three roles of #13 exist in the cluster and every copy carries the template's grants, so
/// a test can connect as the resident or staff site does (`withSiteDatabases`).
///
/// With `MADOGUCHI_TEST_DATABASE_URL` the databases are created on that server instead (its user
/// must be a superuser, to create the roles). The cluster is stopped and removed by a watchdog
/// when the test process ends.
public actor TestDatabases {
    public static let shared = TestDatabases()

    static let templateName = "madoguchi_template"
    /// The bootstrap superuser's settings for a database name.
    var adminConfiguration: ((String) -> PostgresClient.Configuration)?
    /// The passwords of the three roles.
    var rolePasswords: [String: String] = [:]
    var admin: Database?
    /// The one-time setup; concurrent first callers all wait for the same task (actor reentrancy
    /// would otherwise let a test copy a template that is still being migrated).
    var preparation: Task<Void, any Error>?
    var counter = 0
    /// How many copies may exist at once: 16 × 3 pools × 4 connections stays far under the
    /// cluster's 1000 (sites and feeds open more of their own); later callers wait in arrival order.
    var freeSlots = 16
    var slotWaiters: [CheckedContinuation<Void, Never>] = []
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

    /// Settings for a database as one of the app's roles.
    func configuration(_ name: String, role: DatabaseRole) -> PostgresClient.Configuration {
        var c = adminConfiguration!(name)
        c.username = role.name
        c.password = rolePasswords[role.name]
        return c
    }

    /// A fresh, migrated database, connected as the owner role (tests set up and check with it);
    /// dropped after `body` returns or throws.
    public func withDatabase<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await withSiteDatabases { try await body($0.owner) }
    }

    /// The same fresh database through three pools: as the owner, the staff site and the resident site.
    public func withSiteDatabases<T: Sendable>(_ body: @Sendable (SiteDatabases) async throws -> T) async throws -> T {
        // Swift Testing starts every test at once; each copy opens up to 12 connections. Past
        // max_connections new ones are refused, and a pool that cannot connect for 60 s trips its
        // circuit breaker and fails its queries (the CI failure of stop 21): bound the copies.
        await acquireSlot()
        defer { releaseSlot() }
        let name: String
        do { name = try await createDatabase() } catch { throw DiagnosedError(error) }
        let databases = SiteDatabases(owner: Database(configuration: configuration(name, role: .owner), logger: logger),
                                      staff: Database(configuration: configuration(name, role: .staff), logger: logger),
                                      resident: Database(configuration: configuration(name, role: .resident), logger: logger))
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            for database in [databases.owner, databases.staff, databases.resident] {
                group.addTask { await database.client.run() }
            }
            defer { group.cancelAll() }
            do { return .success(try await body(databases)) } catch { return .failure(error is PSQLError ? DiagnosedError(error) : error) }
        }
        try? await admin?.client.execute("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
        return try result.get()
    }

    func acquireSlot() async {
        if freeSlots > 0 {
            freeSlots -= 1
        } else {
            await withCheckedContinuation { slotWaiters.append($0) }
        }
    }

    func releaseSlot() {
        if slotWaiters.isEmpty { freeSlots += 1 } else { slotWaiters.removeFirst().resume() }
    }

    /// Creates an empty, unmigrated database (for migration tests); the caller drops it.
    public func emptyDatabase() async throws -> (PostgresClient.Configuration, drop: @Sendable () async -> Void) {
        try await prepare()
        counter += 1
        let name = "t_empty_\(getpid())_\(counter)"
        try await admin!.client.execute("CREATE DATABASE \(unescaped: name) OWNER \(unescaped: DatabaseRole.owner.name)", logger: logger)
        let admin = admin!, logger = logger
        return (configuration(name, role: .owner), {
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
        try await admin!.client.execute(
            "CREATE DATABASE \(unescaped: name) TEMPLATE \(unescaped: Self.templateName) OWNER \(unescaped: DatabaseRole.owner.name)", logger: logger)
        // Database-level privileges are not copied from a template: set them as the cluster does.
        for statement in DatabaseRoles.databaseStatements(database: name) {
            try await admin!.client.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
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
            for role in DatabaseRole.allCases { rolePasswords[role.name] = SecureToken.generate(bytes: 18) }
        } else {
            let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("madoguchi-test-\(getpid())")
            let cluster = try PrivateCluster(storage: root, unsafeFastMode: true)
            let logger = logger
            try await OffPool.run { try cluster.start(logger: logger) }
            try Self.startWatchdog(cluster: cluster, root: root)
            adminConfiguration = { name in
                var c = cluster.superuserConfiguration(database: name)
                c.options.maximumConnections = 4
                return c
            }
            rolePasswords = cluster.passwords.byRole
        }
        let admin = Database(configuration: adminConfiguration!("postgres"), logger: logger)
        Task { await admin.client.run() }
        self.admin = admin
        let passwords = rolePasswords
        for statement in DatabaseRoles.roleStatements(password: { DatabaseRoles.literal(passwords[$0.name] ?? "") }) {
            try await admin.client.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await admin.client.execute("DROP DATABASE IF EXISTS \(unescaped: Self.templateName) WITH (FORCE)", logger: logger)
        try await admin.client.execute("CREATE DATABASE \(unescaped: Self.templateName) OWNER \(unescaped: DatabaseRole.owner.name)", logger: logger)
        let superTemplate = Database(configuration: adminConfiguration!(Self.templateName), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await superTemplate.client.run() }
            for statement in DatabaseRoles.adoptionStatements() {
                try await superTemplate.client.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            group.cancelAll()
        }
        let template = Database(configuration: configuration(Self.templateName, role: .owner), logger: logger)
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

/// One test database as the three roles see it.
public struct SiteDatabases: Sendable {
    public let owner: Database
    public let staff: Database
    public let resident: Database
}

