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
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Data folder: private PostgreSQL cluster and blobs (default ./storage, or MADOGUCHI_STORAGE).")
    var storage: String?

    @Option(name: .long, help: "Folder with the numbered SQL migrations (default: found next to the program or in ./schema).")
    var schema: String?

    var storageURL: URL {
        let path = storage ?? ProcessInfo.processInfo.environment["MADOGUCHI_STORAGE"] ?? "storage"
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    }

    /// Opens the database (starting the private cluster if needed), applies pending migrations,
    /// runs `body`, then closes the pool and stops the cluster if this call started it.
    func withDatabase<T: Sendable>(logger: Logger, migrate: Bool = true,
                                   _ body: @Sendable (Database) async throws -> T) async throws -> T {
        let (configuration, cluster, started) = try prepare(logger: logger)
        defer {
            if started, let cluster { try? cluster.stop(logger: logger) }
        }
        let url = ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let database = Database(configuration: configuration, logger: logger, toolConnection: url.map(PostgresToolConnection.init(url:)))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            if migrate {
                try await Migrator(directory: Migrator.locateSchemaDirectory(explicit: schema)).migrate(database.client, logger: logger)
            }
            return try await body(database)
        }
    }

    /// Resolves the connection settings; starts the private cluster when there is no DATABASE_URL.
    func prepare(logger: Logger) throws -> (PostgresClient.Configuration, PrivateCluster?, Bool) {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            return (try DatabaseLocation.configuration(fromURL: url), nil, false)
        }
        let cluster = try PrivateCluster(storage: storageURL)
        try FileManager.default.createDirectory(at: storageURL, withIntermediateDirectories: true)
        let started = try cluster.start(logger: logger)
        try cluster.createDatabaseIfNeeded("madoguchi", logger: logger)
        return (cluster.configuration(database: "madoguchi"), cluster, started)
    }

    /// The blob store of this storage folder.
    func blobStore() throws -> any BlobStore {
        try FileBlobStore(root: storageURL.appendingPathComponent("blobs"))
    }

    /// Opens the database (as `withDatabase`) and gives `body` the desks over it and the blob store:
    /// operators' commands run the same rules, and write the same audit rows, as the sites.
    func withDesks<T: Sendable>(logger: Logger, configuration: ServiceConfiguration = .fromEnvironment(),
                                _ body: @Sendable (Desks) async throws -> T) async throws -> T {
        let blobs = try blobStore()
        return try await withDatabase(logger: logger) { db in
            try await body(try Desks(configuration: configuration, database: db, blobs: blobs, metrics: NOOPMetricsHandler.instance))
        }
    }
}
