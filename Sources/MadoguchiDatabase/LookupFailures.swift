import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Wrong dates of birth per booking code (#13): the residents' look-up locks a code after a few
/// failures, so spreading guesses over many addresses does not help. Only a keyed hash of the
/// code is stored.
public struct LookupFailures: Sendable {
    public let database: Database
    let secrets: AppSecrets
    var logger: Logger { database.logger }

    public init(database: Database, secrets: AppSecrets) {
        self.database = database
        self.secrets = secrets
    }

    public func isLocked(code: String, now: Date) async throws -> Bool {
        try await database.client.first("""
            SELECT 1 FROM lookup_failure WHERE code_hash = \(secrets.lookupHash(code)) AND locked_until > \(now)
            """, as: (Int32).self, logger: logger) != nil
    }

    /// Counts a failure; at `limit` the code locks until `now + lockFor` and the count restarts.
    /// Returns true when this failure locked it.
    public func failed(code: String, limit: Int, lockFor: TimeInterval, now: Date) async throws -> Bool {
        try await database.client.first("""
            INSERT INTO lookup_failure AS f (code_hash, failures, updated_at) VALUES (\(secrets.lookupHash(code)), 1, \(now))
            ON CONFLICT (code_hash) DO UPDATE SET
                failures = CASE WHEN f.failures + 1 >= \(limit) THEN 0 ELSE f.failures + 1 END,
                locked_until = CASE WHEN f.failures + 1 >= \(limit) THEN \(now.addingTimeInterval(lockFor)) ELSE f.locked_until END,
                updated_at = \(now)
            RETURNING locked_until IS NOT NULL AND locked_until > \(now) AND failures = 0
            """, as: (Bool).self, logger: logger) ?? false
    }

    /// A right date of birth clears the count.
    public func succeeded(code: String) async throws {
        try await database.client.execute("DELETE FROM lookup_failure WHERE code_hash = \(secrets.lookupHash(code))", logger: logger)
    }
}
