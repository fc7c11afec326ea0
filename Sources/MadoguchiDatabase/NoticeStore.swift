import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Notices (お知らせ, E4) for the staff home or the resident site, shown between their publish
/// and expiry times, most important first.
public struct NoticeStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }


    static let columns = "SELECT id, audience, priority, title, body, publish_at, expire_at FROM notice"

    func notices(_ query: PostgresQuery) async throws -> [Notice] {
        try await database.client.all(query, as: (Int64, String, String, String, String, Date, Date?).self, logger: logger)
            .map { Notice(id: $0.0, audience: $0.1, priority: $0.2, title: $0.3, body: $0.4, publishAt: $0.5, expireAt: $0.6) }
    }

    /// What `audience` sees at `now`: published, not expired; urgent first, then newest.
    public func current(audience: String, now: Date) async throws -> [Notice] {
        var query = PostgresQuery(unsafeSQL: Self.columns + """
             WHERE audience = $1 AND publish_at <= $2 AND (expire_at IS NULL OR expire_at > $2)
             ORDER BY array_position(ARRAY['urgent','important','normal'], priority), publish_at DESC LIMIT 20
            """)
        query.binds.append(audience)
        query.binds.append(now)
        return try await notices(query)
    }

    /// Every notice, newest first (the administration page).
    public func all() async throws -> [Notice] {
        try await notices(PostgresQuery(unsafeSQL: Self.columns + " ORDER BY publish_at DESC, id DESC LIMIT 500"))
    }

    public func create(_ notice: Notice, createdBy: Int64?, on connection: PostgresConnection) async throws -> Int64 {
        try await connection.first("""
            INSERT INTO notice (audience, priority, title, body, publish_at, expire_at, created_by)
            VALUES (\(notice.audience), \(notice.priority), \(notice.title), \(notice.body), \(notice.publishAt), \(notice.expireAt), \(createdBy))
            RETURNING id
            """, as: (Int64).self, logger: logger) ?? 0
    }

    /// Ends a notice now (kept for the record rather than deleted).
    public func expire(id: Int64, now: Date, on connection: PostgresConnection) async throws -> Bool {
        try await connection.first("""
            UPDATE notice SET expire_at = greatest(\(now), publish_at + interval '1 second'), updated_at = now()
            WHERE id = \(id) AND (expire_at IS NULL OR expire_at > \(now)) RETURNING id
            """, as: (Int64).self, logger: logger) != nil
    }
}
