import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// The figures monitoring reads from PostgreSQL at scrape time (F5): the same for every
/// instance, since they are the database's, not one process's.
public struct MonitoringStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    /// Database size and blob totals, for the status page.
    public func storageFigures() async throws -> (databaseBytes: Int64, blobs: Int, blobBytes: Int64)? {
        try await database.client.first("""
            SELECT pg_database_size(current_database()), (SELECT count(*) FROM blob), (SELECT coalesce(sum(size), 0)::bigint FROM blob)
            """, as: (Int64, Int, Int64).self, logger: logger).map { ($0.0, $0.1, $0.2) }
    }

    public struct Figures: Sendable {
        public let lockedAccounts: Int
        public let blobBytes: Int64
        public let blobs: Int
        public let databaseBytes: Int64
        public let staffSessions: Int
        public let connections: Int
        public let maxConnections: Int
    }

    public func figures() async throws -> Figures? {
        try await database.client.first("""
            SELECT (SELECT count(*) FROM staff_user WHERE locked_at IS NOT NULL),
                   (SELECT coalesce(sum(size), 0)::bigint FROM blob),
                   (SELECT count(*) FROM blob),
                   pg_database_size(current_database()),
                   (SELECT count(*) FROM staff_session WHERE expires_at > now()),
                   (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()),
                   current_setting('max_connections')::int
            """, as: (Int, Int64, Int, Int64, Int, Int, Int).self, logger: logger).map {
            Figures(lockedAccounts: $0.0, blobBytes: $0.1, blobs: $0.2, databaseBytes: $0.3, staffSessions: $0.4, connections: $0.5,
                    maxConnections: $0.6)
        }
    }

    /// Which of `tables` this connection's role may SELECT from (the resident site's start check).
    public func readableTables(among tables: [String]) async throws -> [String] {
        try await database.client.all("""
            SELECT t FROM unnest(\(tables)::text[]) AS t
            WHERE to_regclass('public.' || t) IS NOT NULL AND has_table_privilege(('public.' || t)::regclass, 'SELECT')
            """, as: (String).self, logger: database.logger)
    }

    /// What this connection may do beyond a runtime role's rights: be a superuser, own tables
    /// (and so drop the audit triggers), or change audit rows. Empty for madoguchi_staff.
    public func excessPrivileges() async throws -> [String] {
        let rows = try await database.client.all("""
            SELECT array_remove(ARRAY[
                CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN 'superuser' END,
                CASE WHEN EXISTS (SELECT FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) THEN 'owns the tables' END,
                CASE WHEN to_regclass('public.audit_log') IS NOT NULL
                      AND (has_table_privilege('public.audit_log', 'UPDATE') OR has_table_privilege('public.audit_log', 'DELETE'))
                     THEN 'may update or delete audit rows' END], NULL)
            """, as: ([String]).self, logger: database.logger)
        return rows.first ?? []
    }
}
