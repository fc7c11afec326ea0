import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Planned maintenance windows (F3): announced on the resident site `announceDays` before they
/// start; during one, the resident site shows a maintenance page and only administrators work.
public struct MaintenanceStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    /// Windows not cancelled and not yet over, soonest first.
    public func upcoming(now: Date) async throws -> [MaintenanceWindow] {
        try await database.client.all("""
            SELECT id, starts_at, ends_at, announce_days, message FROM maintenance_window
            WHERE cancelled_at IS NULL AND ends_at > \(now) ORDER BY starts_at
            """, as: (Int64, Date, Date, Int, String).self, logger: logger)
            .map { MaintenanceWindow(id: $0.0, startsAt: $0.1, endsAt: $0.2, announceDays: $0.3, message: $0.4) }
    }

    public func create(startsAt: Date, endsAt: Date, announceDays: Int, message: String, createdBy: Int64?,
                       on connection: PostgresConnection) async throws -> Int64 {
        try await connection.first("""
            INSERT INTO maintenance_window (starts_at, ends_at, announce_days, message, created_by)
            VALUES (\(startsAt), \(endsAt), \(announceDays), \(message), \(createdBy)) RETURNING id
            """, as: (Int64).self, logger: logger) ?? 0
    }

    public func cancel(id: Int64, now: Date, on connection: PostgresConnection) async throws -> Bool {
        try await connection.first("""
            UPDATE maintenance_window SET cancelled_at = \(now) WHERE id = \(id) AND cancelled_at IS NULL RETURNING id
            """, as: (Int64).self, logger: logger) != nil
    }
}
