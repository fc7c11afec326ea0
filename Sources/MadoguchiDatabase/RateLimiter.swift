import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Fixed-window rate limits for the public site, counted in PostgreSQL so that they hold across
/// every app instance. Every key (an address, a phone number, an email address) is hashed with a
/// key kept outside the database first (#13): the counters table must not become a list of
/// residents' contacts, and phone numbers are too few to hide behind a plain hash.
public struct RateLimiter: Sendable {
    public let database: Database
    let secrets: AppSecrets
    var logger: Logger { database.logger }

    public init(database: Database, secrets: AppSecrets) {
        self.database = database
        self.secrets = secrets
    }

    public struct Limit: Sendable {
        public var name: String
        public var hits: Int
        public var window: TimeInterval
        public init(name: String, hits: Int, window: TimeInterval) {
            self.name = name
            self.hits = hits
            self.window = window
        }
    }

    /// Counts one hit for `key` under `limit`; false when the limit is exceeded in this window.
    public func allow(_ limit: Limit, key: String, now: Date) async throws -> Bool {
        let allowed = try await allow(limit, key: key, now: now, on: database.client)
        try await tidy(now: now)
        return allowed
    }

    /// The same inside the caller's transaction: the hit is counted only if that transaction
    /// commits, and concurrent transactions for the same key queue on the counter row, so a
    /// limit on outcomes (bookings made) is exact and refused attempts never count.
    public func allow(_ limit: Limit, key: String, now: Date, on executor: some SQLExecutor) async throws -> Bool {
        let (name, windowStart) = bucket(limit, key: key, now: now)
        let hits = try await executor.first("""
            INSERT INTO rate_limit (bucket, window_start) VALUES (\(name), \(windowStart))
            ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + 1
            RETURNING hits
            """, as: (Int).self, logger: logger) ?? 0
        return hits <= limit.hits
    }

    /// Takes back one hit counted by `allow` (a login attempt reserved before the password check
    /// that turned out right: only failures count against an address).
    public func release(_ limit: Limit, key: String, now: Date) async throws {
        let (name, windowStart) = bucket(limit, key: key, now: now)
        try await database.client.execute("""
            UPDATE rate_limit SET hits = greatest(hits - 1, 0) WHERE bucket = \(name) AND window_start = \(windowStart)
            """, logger: logger)
    }

    /// Counts one hit on each (limit, key) in one statement; false when any is over its limit.
    public func allowAll(_ hits: [(Limit, String)], now: Date) async throws -> Bool {
        guard !hits.isEmpty else { return true }
        // In one order everywhere, so two requests cannot lock each other's counters crosswise.
        let buckets = hits.map { bucket($0.0, key: $0.1, now: now) }.sorted { $0.0 < $1.0 }
        let counted = try await database.client.all("""
            INSERT INTO rate_limit (bucket, window_start)
            SELECT b, to_timestamp(w) FROM unnest(\(buckets.map(\.0))::text[], \(buckets.map { $0.1.timeIntervalSince1970 })::float8[]) AS t(b, w)
            ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + 1
            RETURNING bucket, hits
            """, as: (String, Int).self, logger: logger)
        let limits = Dictionary(hits.map { (bucket($0.0, key: $0.1, now: now).0, $0.0.hits) }, uniquingKeysWith: min)
        try await tidy(now: now)
        return counted.allSatisfy { $0.1 <= (limits[$0.0] ?? .max) }
    }

    /// Old windows are useless; now and then a request deletes them instead of a job. Only
    /// outside a caller's transaction: from inside one, waiting for a pool connection while
    /// holding a counter row that other pooled transactions wait for would deadlock the pool.
    func tidy(now: Date) async throws {
        if Int.random(in: 0..<200) == 0 {
            try await database.client.execute("DELETE FROM rate_limit WHERE window_start < \(now.addingTimeInterval(-86_400))", logger: logger)
        }
    }

    func bucket(_ limit: Limit, key: String, now: Date) -> (String, Date) {
        let windowStart = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / limit.window).rounded(.down) * limit.window)
        return (limit.name + ":" + secrets.lookupHash(key), windowStart)
    }
}
