import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// The SQL of password login with lockout (E3): the attempts table and the failure counter on
/// the account row, changed with single atomic UPDATEs so that concurrent attempts on several
/// instances count exactly. The decisions (and the audit rows) are `AccountDesk`'s.
public struct LoginAttemptStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    /// What the password check needs of an account.
    public struct Credentials: Sendable {
        public let userID: Int64
        public let passwordHash: String
        public let active: Bool
        public let lockedAt: Date?
    }

    public func credentials(login: String) async throws -> Credentials? {
        try await database.client.first("""
            SELECT id, password_hash, active, locked_at FROM staff_user WHERE login = \(login)
            """, as: (Int64, String, Bool, Date?).self, logger: logger).map { Credentials(userID: $0.0, passwordHash: $0.1, active: $0.2, lockedAt: $0.3) }
    }

    /// Lifts a lock taken at `lockedAt` (unless another was taken since).
    public func unlock(userID: Int64, lockedAt: Date, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE staff_user SET locked_at = NULL, failed_login_count = 0 WHERE id = \(userID) AND locked_at = \(lockedAt)
            """, logger: logger)
    }

    /// A right password: resets the counter and moves the last login to "previous". False when a
    /// concurrent attempt locked the account meanwhile (the lock wins).
    public func succeeded(userID: Int64, now: Date) async throws -> Bool {
        try await database.client.first("""
            UPDATE staff_user SET failed_login_count = 0, previous_login_at = last_login_at,
                   previous_login_address = (SELECT source_address FROM login_attempt WHERE user_id = \(userID)
                                             AND outcome = 'success' ORDER BY id DESC LIMIT 1),
                   last_login_at = \(now)
            WHERE id = \(userID) AND locked_at IS NULL
            RETURNING id
            """, as: (Int64).self, logger: logger) != nil
    }

    /// A wrong password: counts it, and locks the account at `maxFailures`.
    public func failed(userID: Int64, maxFailures: Int, now: Date) async throws -> (count: Int, locked: Bool) {
        try await database.client.first("""
            UPDATE staff_user SET failed_login_count = failed_login_count + 1,
                   locked_at = CASE WHEN locked_at IS NULL AND failed_login_count + 1 >= \(maxFailures) THEN \(now) ELSE locked_at END
            WHERE id = \(userID) RETURNING failed_login_count, locked_at IS NOT NULL
            """, as: (Int, Bool).self, logger: logger).map { ($0.0, $0.1) } ?? (0, false)
    }

    /// Whether the account is locked now.
    public func isLocked(userID: Int64) async throws -> Bool {
        try await database.client.first("SELECT locked_at IS NOT NULL FROM staff_user WHERE id = \(userID)", as: (Bool).self, logger: logger) ?? false
    }

    /// Replaces a password hash in an older format after a right password (unless it changed meanwhile).
    public func replaceHash(userID: Int64, from old: String, to new: String) async throws {
        try await database.client.execute("""
            UPDATE staff_user SET password_hash = \(new) WHERE id = \(userID) AND password_hash = \(old)
            """, logger: logger)
    }

    public func record(login: String, userID: Int64?, outcome: String, address: String, now: Date, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            INSERT INTO login_attempt (login, user_id, occurred_at, source_address, outcome)
            VALUES (\(login), \(userID), \(now), \(address), \(outcome))
            """, logger: logger)
    }
}
