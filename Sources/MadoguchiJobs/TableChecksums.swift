import Foundation
import Logging
import MadoguchiDatabase
import PostgresNIO

/// Row counts and row checksums of every table in the public schema: recorded with a snapshot,
/// compared after a restore. The checksum is order-independent (md5 of the sorted row hashes).
public enum TableChecksums {
    /// Row text depends on the session's time zone, date style and float digits: fixed for the
    /// transaction, so that a snapshot and a restore on differently configured servers agree.
    public static func normaliseSession(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("""
            SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true),
                   set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true)
            """, logger: logger)
    }

    /// Checksums inside a transaction of their own with the normalised session settings.
    public static func compute(in database: Database) async throws -> [SnapshotManifest.Table] {
        try await database.transaction { connection in
            try await normaliseSession(connection, logger: database.logger)
            return try await compute(on: connection, logger: database.logger)
        }
    }

    public static func compute(on executor: some SQLExecutor, logger: Logger) async throws -> [SnapshotManifest.Table] {
        let names = try await executor.all("""
            SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
            """, as: (String).self, logger: logger)
        var tables: [SnapshotManifest.Table] = []
        for name in names {
            let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let query = PostgresQuery(unsafeSQL: """
                SELECT count(*)::bigint, coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM \(quoted) t
                """)
            if let (rows, checksum) = try await executor.first(query, as: (Int64, String).self, logger: logger) {
                tables.append(.init(name: name, rows: rows, checksum: checksum))
            }
        }
        return tables
    }

    /// Names of the tables whose count or checksum differ (or that are missing on one side).
    public static func differences(expected: [SnapshotManifest.Table], actual: [SnapshotManifest.Table]) -> [String] {
        let found = Dictionary(uniqueKeysWithValues: actual.map { ($0.name, $0) })
        var names = expected.filter { found[$0.name] != $0 }.map(\.name)
        let known = Set(expected.map(\.name))
        names += actual.filter { !known.contains($0.name) }.map(\.name)
        return names
    }
}
