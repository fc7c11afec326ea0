import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// The second factor's rows (#13): the sealed TOTP secret on the account, the last accepted time
/// step, and the hashed recovery codes. Every check-and-use is one conditional UPDATE, so a code
/// is accepted once even when two instances receive it at the same moment.
public struct StaffMFAStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    /// The sealed secret in use, the one waiting for its first code, and the last accepted step.
    public struct State: Sendable {
        public let secret: Data?
        public let pendingSecret: Data?
        public let lastStep: Int64?
        public let enrolledAt: Date?
        public let recoveryCodesLeft: Int
        public var enrolled: Bool { secret != nil }
    }

    public func state(userID: Int64) async throws -> State {
        let row = try await database.client.first("""
            SELECT mfa_secret, mfa_pending_secret, mfa_last_step, mfa_enrolled_at,
                   (SELECT count(*)::int FROM staff_recovery_code WHERE user_id = \(userID) AND used_at IS NULL)
            FROM staff_user WHERE id = \(userID)
            """, as: (Data?, Data?, Int64?, Date?, Int).self, logger: logger)
        return State(secret: row?.0, pendingSecret: row?.1, lastStep: row?.2, enrolledAt: row?.3, recoveryCodesLeft: row?.4 ?? 0)
    }

    /// Which of these accounts have a second factor (the user list).
    public func enrolled(userIDs: [Int64]) async throws -> Set<Int64> {
        Set(try await database.client.all("SELECT id FROM staff_user WHERE id = ANY(\(userIDs)) AND mfa_secret IS NOT NULL",
                                          as: (Int64).self, logger: logger))
    }

    public func setPending(userID: Int64, sealedSecret: Data) async throws {
        try await database.client.execute("UPDATE staff_user SET mfa_pending_secret = \(sealedSecret) WHERE id = \(userID)", logger: logger)
    }

    /// The pending secret becomes the account's, with the step its first code used, and new
    /// recovery codes replace any old ones.
    public func confirm(userID: Int64, step: Int64, recoveryCodeHashes: [Data], now: Date, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE staff_user SET mfa_secret = mfa_pending_secret, mfa_pending_secret = NULL, mfa_last_step = \(step),
                   mfa_enrolled_at = \(now), updated_at = now()
            WHERE id = \(userID) AND mfa_pending_secret IS NOT NULL
            """, logger: logger)
        try await replaceRecoveryCodes(userID: userID, hashes: recoveryCodeHashes, on: connection)
    }

    public func replaceRecoveryCodes(userID: Int64, hashes: [Data], on connection: PostgresConnection) async throws {
        try await connection.execute("DELETE FROM staff_recovery_code WHERE user_id = \(userID)", logger: logger)
        try await connection.execute("""
            INSERT INTO staff_recovery_code (user_id, code_hash)
            SELECT \(userID), decode(h, 'hex') FROM unnest(\(hashes.map { $0.map { String(format: "%02x", $0) }.joined() })::text[]) AS h
            """, logger: logger)
    }

    /// Takes time step `step` for this account: false when it (or a later one) was used already.
    public func accept(userID: Int64, step: Int64) async throws -> Bool {
        try await database.client.first("""
            UPDATE staff_user SET mfa_last_step = \(step)
            WHERE id = \(userID) AND mfa_secret IS NOT NULL AND (mfa_last_step IS NULL OR mfa_last_step < \(step)) RETURNING id
            """, as: (Int64).self, logger: logger) != nil
    }

    /// Uses up one recovery code: false when there is no unused code with this hash.
    public func consumeRecoveryCode(userID: Int64, hash: Data, now: Date) async throws -> Bool {
        try await database.client.first("""
            UPDATE staff_recovery_code SET used_at = \(now) WHERE user_id = \(userID) AND code_hash = \(hash) AND used_at IS NULL
            RETURNING user_id
            """, as: (Int64).self, logger: logger) != nil
    }

    /// Removes the second factor (an administrator's reset for a lost phone).
    public func reset(userID: Int64, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE staff_user SET mfa_secret = NULL, mfa_pending_secret = NULL, mfa_last_step = NULL, mfa_enrolled_at = NULL,
                   updated_at = now() WHERE id = \(userID)
            """, logger: logger)
        try await connection.execute("DELETE FROM staff_recovery_code WHERE user_id = \(userID)", logger: logger)
        try await connection.execute("DELETE FROM staff_session WHERE user_id = \(userID)", logger: logger)
    }
}
