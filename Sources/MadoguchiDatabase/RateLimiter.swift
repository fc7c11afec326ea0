import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Fixed-window rate limits for the public site, counted in PostgreSQL so that they hold across
/// every app instance. Buckets that name a person (phone, email) are hashed first: the counters
/// table must not become a list of residents' contacts.
public struct RateLimiter: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
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
        let windowStart = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / limit.window).rounded(.down) * limit.window)
        let bucket = limit.name + ":" + SecureToken.sha256HexOfString(key).prefix(32)
        let hits = try await database.client.first("""
            INSERT INTO rate_limit (bucket, window_start) VALUES (\(bucket), \(windowStart))
            ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + 1
            RETURNING hits
            """, as: (Int).self, logger: logger) ?? 0
        // Old windows are useless; a few requests tidy them up instead of a job.
        if Int.random(in: 0..<200) == 0 {
            try await database.client.execute("DELETE FROM rate_limit WHERE window_start < \(now.addingTimeInterval(-86_400))", logger: logger)
        }
        return hits <= limit.hits
    }
}
