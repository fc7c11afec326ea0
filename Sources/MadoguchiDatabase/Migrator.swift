import Foundation
import MadoguchiDomain
import Logging
import PostgresNIO

/// Applies the numbered SQL files in `schema/` in order, once each (SPI-style migrations).
///
/// A session advisory lock makes concurrent starts of several instances safe: one applies, the
/// others wait and then find nothing left to do. Each file runs in its own transaction together
/// with the row that records it, so a failed file leaves no trace.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public let name: String
        public let sql: String
        public var checksum: String { SecureToken.sha256HexOfString(sql) }
    }

    public let directory: URL
    /// Arbitrary constant shared by every instance: "madoguchi" read as ASCII digits.
    static let lockKey: Int64 = 0x6d61_646f_6775_6368

    public init(directory: URL) {
        self.directory = directory
    }

    /// The migration files, sorted by their number.
    public func migrations() throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        return try names.map { name in
            guard name.range(of: #"^[0-9]{4}_[a-z0-9_]+\.sql$"#, options: .regularExpression) != nil else {
                throw DatabaseError.badMigrationName(name)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            return Migration(name: String(name.dropLast(4)), sql: sql)
        }
    }

    /// Applies what is pending; returns the names applied by this call.
    @discardableResult
    public func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        let migrations = try migrations()
        return try await client.withConnection { connection in
            try await connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(migrations, on: connection, logger: logger)
                try await applyGrants(on: connection, logger: logger)
                try await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                try? await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    /// Re-applies the runtime roles' privileges (`DatabaseRoles.grantStatements`), when those
    /// roles exist, so every table a migration added gets exactly what its role list says.
    func applyGrants(on connection: PostgresConnection, logger: Logger) async throws {
        let present = try await connection.query(
            "SELECT rolname FROM pg_roles WHERE rolname IN (\(DatabaseRole.staff.name), \(DatabaseRole.resident.name))", logger: logger)
        var count = 0
        for try await _ in present { count += 1 }
        guard count == 2 else {
            logger.warning("database roles madoguchi_staff and madoguchi_resident do not exist: run `madoguchi db roles --print-sql` as a DBA")
            return
        }
        try await connection.execute("BEGIN", logger: logger)
        do {
            for statement in DatabaseRoles.grantStatements() {
                try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.execute("COMMIT", logger: logger)
        } catch {
            try? await connection.execute("ROLLBACK", logger: logger)
            let message = (error as? PSQLError)?.serverInfo?[.message] ?? "\(error)"
            throw DatabaseError.migrationFailed(name: "grants", message: message)
        }
    }

    func apply(_ migrations: [Migration], on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migration (
                name text PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        // PostgresNIO speaks only the extended protocol, which takes one statement per message; a
        // session-local PL/pgSQL helper runs a whole file through EXECUTE instead.
        try await connection.execute("""
            CREATE OR REPLACE FUNCTION pg_temp.madoguchi_run_sql(script text) RETURNS void
            LANGUAGE plpgsql AS $$ BEGIN EXECUTE script; END $$
            """, logger: logger)
        let recorded = Dictionary(
            uniqueKeysWithValues: try await connection.all(
                "SELECT name, checksum FROM schema_migration", as: (String, String).self, logger: logger))
        let known = Set(migrations.map(\.name))
        if let unknown = recorded.keys.sorted().first(where: { !known.contains($0) }) {
            throw DatabaseError.migrationMissing(unknown)
        }
        var applied: [String] = []
        for migration in migrations {
            if let checksum = recorded[migration.name] {
                guard checksum == migration.checksum else {
                    throw DatabaseError.migrationChanged(name: migration.name, recorded: checksum, current: migration.checksum)
                }
                continue
            }
            logger.info("applying migration", metadata: ["migration": "\(migration.name)"])
            do {
                try await connection.execute("BEGIN", logger: logger)
                try await connection.execute("SELECT pg_temp.madoguchi_run_sql(\(migration.sql))", logger: logger)
                try await connection.execute(
                    "INSERT INTO schema_migration (name, checksum) VALUES (\(migration.name), \(migration.checksum))",
                    logger: logger)
                try await connection.execute("COMMIT", logger: logger)
            } catch {
                try? await connection.execute("ROLLBACK", logger: logger)
                let message = (error as? PSQLError)?.serverInfo?[.message] ?? "\(error)"
                throw DatabaseError.migrationFailed(name: migration.name, message: message)
            }
            applied.append(migration.name)
        }
        return applied
    }

    /// Finds `schema/`: `MADOGUCHI_SCHEMA_DIR`, then the working directory, then the folders
    /// above the executable (a checkout's `.build/debug/madoguchi`), then the system location.
    public static func locateSchemaDirectory(explicit: String? = nil) throws -> URL {
        let fm = FileManager.default
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let env = ProcessInfo.processInfo.environment["MADOGUCHI_SCHEMA_DIR"] { candidates.append(env) }
        candidates.append(fm.currentDirectoryPath + "/schema")
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "/").resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            candidates.append(directory.appendingPathComponent("schema").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append("/usr/share/madoguchi/schema")
        for candidate in candidates where fm.fileExists(atPath: candidate + "/0001_foundation.sql") {
            return URL(fileURLWithPath: candidate)
        }
        throw DatabaseError.schemaDirectoryNotFound(Array(candidates.prefix(4)))
    }
}
