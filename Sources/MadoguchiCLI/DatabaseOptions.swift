import ArgumentParser
import Foundation
import Logging
import MadoguchiDatabase
import PostgresNIO
import CoreMetrics
import MadoguchiArchive
import MadoguchiServices

/// Options every command that touches data shares: where the storage folder is. With
/// `DATABASE_URL` set the database is that server; otherwise the private cluster in the folder.
///
/// Each command connects as the role its work needs (#13): migrations and restores as
/// `madoguchi_owner`, the staff site and operators' commands as `madoguchi_staff`, the resident
/// site as `madoguchi_resident`. With the private cluster the passwords are in
/// `<storage>/secrets/postgres-passwords`; with a server, `DATABASE_URL` is the owner's
/// connection and `MADOGUCHI_STAFF_DATABASE_URL` / `MADOGUCHI_RESIDENT_DATABASE_URL` the sites'.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Data folder: private PostgreSQL cluster and blobs (default ./storage, or MADOGUCHI_STORAGE).")
    var storage: String?

    @Option(name: .long, help: "Folder with the numbered SQL migrations (default: found next to the program or in ./schema).")
    var schema: String?

    var storageURL: URL {
        let path = storage ?? ProcessInfo.processInfo.environment["MADOGUCHI_STORAGE"] ?? "storage"
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    }

    /// Where the app's keys live: `MADOGUCHI_SECRETS_DIR`, else `<storage>/secrets`.
    var secretsFolder: URL {
        if let path = ProcessInfo.processInfo.environment["MADOGUCHI_SECRETS_DIR"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return storageURL.appendingPathComponent("secrets")
    }

    func secrets() throws -> AppSecrets { try AppSecrets.load(folder: secretsFolder) }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static func url(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }

    /// The connection string given for a role on an external server, if any.
    static func externalURL(for role: DatabaseRole) -> String? {
        switch role {
        case .owner: url("DATABASE_URL")
        // Single-role installations (a developer's DATABASE_URL) keep working for staff work.
        case .staff: url("MADOGUCHI_STAFF_DATABASE_URL") ?? url("DATABASE_URL")
        case .resident: url("MADOGUCHI_RESIDENT_DATABASE_URL")
        }
    }

    static var usesExternalServer: Bool {
        url("DATABASE_URL") != nil || url("MADOGUCHI_STAFF_DATABASE_URL") != nil || url("MADOGUCHI_RESIDENT_DATABASE_URL") != nil
    }

    /// A running database: the private cluster started (and set up) if needed, or the server.
    struct Server {
        let cluster: PrivateCluster?
        /// True when this call started the cluster and must stop it.
        let started: Bool

        func database(_ role: DatabaseRole, logger: Logger) throws -> Database {
            if let cluster {
                return Database(configuration: cluster.configuration(database: "madoguchi", role: role), logger: logger)
            }
            guard let url = DatabaseOptions.externalURL(for: role) else {
                throw ValidationError(role == .resident
                    ? "the resident site connects only as madoguchi_resident: set MADOGUCHI_RESIDENT_DATABASE_URL"
                    : "set DATABASE_URL (the owner role) for migrations and restores")
            }
            return Database(configuration: try DatabaseLocation.configuration(fromURL: url), logger: logger,
                            toolConnection: PostgresToolConnection(url: url))
        }

        func stop(logger: Logger) {
            if started, let cluster { try? cluster.stop(logger: logger) }
        }
    }

    /// Starts the private cluster (creating its roles and database) unless a server is configured.
    func server(logger: Logger) async throws -> Server {
        if Self.usesExternalServer { return Server(cluster: nil, started: false) }
        let cluster = try PrivateCluster(storage: storageURL)
        try FileManager.default.createDirectory(at: storageURL, withIntermediateDirectories: true)
        let started = try cluster.start(logger: logger)
        do {
            try await cluster.prepareDatabase("madoguchi", logger: logger)
        } catch {
            if started { try? cluster.stop(logger: logger) }
            throw error
        }
        return Server(cluster: cluster, started: started)
    }

    /// Applies pending migrations as the owner role (and re-applies the grants). On an external
    /// server without the owner's `DATABASE_URL`, checks instead that nothing is pending.
    func migrate(on server: Server, logger: Logger) async throws {
        let migrator = Migrator(directory: try Migrator.locateSchemaDirectory(explicit: schema))
        if server.cluster == nil, Self.externalURL(for: .owner) == nil { return }
        let owner = try server.database(.owner, logger: logger)
        try await Self.withRunning(owner) { try await migrator.migrate($0.client, logger: logger) }
    }

    /// Opens the database as `role` (starting the private cluster if needed), applies pending
    /// migrations first, runs `body`, then closes the pool and stops the cluster if this call started it.
    func withDatabase<T: Sendable>(logger: Logger, role: DatabaseRole = .staff, migrate: Bool = true,
                                   _ body: @Sendable (Database) async throws -> T) async throws -> T {
        let server = try await server(logger: logger)
        defer { server.stop(logger: logger) }
        if migrate { try await self.migrate(on: server, logger: logger) }
        return try await Self.withRunning(try server.database(role, logger: logger), body)
    }

    /// Runs `body` while the pool's connection task runs.
    static func withRunning<T: Sendable>(_ database: Database, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            // Let the pool's task start before the first query (PostgresNIO warns otherwise).
            for _ in 0..<4 { await Task.yield() }
            return try await body(database)
        }
    }

    /// The blob store: `MADOGUCHI_BLOBS` (an S3 bucket, #14), else this storage folder's `blobs/`.
    func blobStore() throws -> any BlobStore {
        try BlobStoreSetting.from(environment: ProcessInfo.processInfo.environment, storage: storageURL).open()
    }

    /// Opens the database as the staff role (as `withDatabase`) and gives `body` the desks over it
    /// and the blob store: operators' commands run the same rules, and write the same audit rows,
    /// as the sites. The audit head is anchored when the command is done (`anchor`; the audit
    /// commands themselves leave the anchors as they found them).
    func withDesks<T: Sendable>(logger: Logger, configuration: ServiceConfiguration = .fromEnvironment(), anchor: Bool = true,
                                _ body: @Sendable (Desks) async throws -> T) async throws -> T {
        let blobs = try blobStore()
        let secrets = try secrets()
        var configuration = configuration
        if configuration.storageDirectory == nil { configuration.storageDirectory = storageURL }
        if configuration.snapshotDirectory == nil { configuration.snapshotDirectory = storageURL.appendingPathComponent("snapshots") }
        let settings = configuration
        return try await withDatabase(logger: logger) { db in
            let desks = try Desks(configuration: settings, database: db, blobs: blobs, secrets: secrets, metrics: NOOPMetricsHandler.instance)
            if anchor { try await desks.audit.sealUnkeyedHead(caller: .command()) }
            let result = try await body(desks)
            if anchor {
                do { try await desks.audit.anchorHead() } catch { logger.error("audit head not anchored", metadata: ["error": "\(error)"]) }
            }
            return result
        }
    }
}
