import Foundation
import Logging
import MadoguchiDomain
import NIOPosix
import PostgresNIO

/// Password login with lockout (E3).
///
/// The failure counter lives on the account row and is changed with single atomic UPDATEs, so
/// concurrent attempts on several instances count exactly; a locked account stays locked until an
/// administrator unlocks it, or, when configured, until `autoUnlockAfter` has passed.
public struct LoginService: Sendable {
    public let database: Database
    public let auditLog: AuditLog
    public let hasher: PasswordHasher
    public let clock: any TimeSource
    public let maxFailures: Int
    public let autoUnlockAfter: TimeInterval?
    /// Failed attempts from one address within `addressWindow` before that address is refused for
    /// a while: per-account lockout alone does not stop one password tried against many logins.
    public let maxFailuresPerAddress: Int
    public static let addressWindow: TimeInterval = 15 * 60
    var logger: Logger { database.logger }

    public init(database: Database, auditLog: AuditLog, hasher: PasswordHasher, clock: any TimeSource,
                maxFailures: Int, autoUnlockAfter: TimeInterval?, maxFailuresPerAddress: Int = 30) {
        self.database = database
        self.auditLog = auditLog
        self.hasher = hasher
        self.clock = clock
        self.maxFailures = maxFailures
        self.autoUnlockAfter = autoUnlockAfter
        self.maxFailuresPerAddress = maxFailuresPerAddress
    }

    public static let invalidCredentialsMessage = "ログインIDまたはパスワードが正しくありません。"
    public static let throttledMessage = "ログインの失敗が続いたため、この端末からのログインを一時的に停止しています。15分ほど待ってから再度お試しください。"
    public static let lockedMessage = "パスワードの誤りが続いたため、このアカウントはロックされています。システム管理者に解除を依頼してください。"

    public func authenticate(login: String, password: String, sourceAddress: String, requestID: String) async throws -> LoginOutcome {
        let now = clock.now()
        let recentFailures = try await database.client.first("""
            SELECT count(*) FROM login_attempt WHERE source_address = \(sourceAddress) AND outcome <> 'success'
               AND occurred_at > \(now.addingTimeInterval(-Self.addressWindow))
            """, as: (Int).self, logger: logger) ?? 0
        if recentFailures >= maxFailuresPerAddress {
            logger.warning("login throttled for address", metadata: ["address": "\(sourceAddress)", "failures": "\(recentFailures)"])
            return .throttled
        }
        let row = try await database.client.first("""
            SELECT id, password_hash, active, locked_at FROM staff_user WHERE login = \(login)
            """, as: (Int64, String, Bool, Date?).self, logger: logger)
        // bcrypt runs on the thread pool: it is deliberately slow and must not block the event loop.
        let passwordMatches = try await NIOThreadPool.singleton.runIfActive { [hasher] in
            hasher.verify(password, against: row?.1 ?? PasswordHasher.decoyHash)
        }
        guard let (userID, _, active, lockedAt) = row else {
            try await note(login: login, userID: nil, outcome: "unknown-login", address: sourceAddress, requestID: requestID)
            return .invalidCredentials
        }
        if let lockedAt {
            if let autoUnlockAfter, now.timeIntervalSince(lockedAt) >= autoUnlockAfter {
                try await database.transaction { connection in
                    try await connection.execute("""
                        UPDATE staff_user SET locked_at = NULL, failed_login_count = 0 WHERE id = \(userID) AND locked_at = \(lockedAt)
                        """, logger: logger)
                    try await auditLog.record(AuditEvent(actorUserID: nil, actorLogin: "system", action: "user.auto-unlock",
                                                         recordType: "staff_user", recordID: String(userID), requestID: requestID),
                                              on: connection)
                }
            } else {
                try await note(login: login, userID: userID, outcome: "locked", address: sourceAddress, requestID: requestID)
                return .locked
            }
        }
        guard active else {
            try await note(login: login, userID: userID, outcome: "inactive", address: sourceAddress, requestID: requestID)
            return .invalidCredentials
        }
        if passwordMatches {
            // Guarded by `locked_at IS NULL`: a lock taken by a concurrent attempt wins.
            let updated = try await database.client.first("""
                UPDATE staff_user SET failed_login_count = 0, previous_login_at = last_login_at,
                       previous_login_address = (SELECT source_address FROM login_attempt WHERE user_id = \(userID)
                                                 AND outcome = 'success' ORDER BY id DESC LIMIT 1),
                       last_login_at = \(now)
                WHERE id = \(userID) AND locked_at IS NULL
                RETURNING id
                """, as: (Int64).self, logger: logger)
            guard updated != nil else {
                try await note(login: login, userID: userID, outcome: "locked", address: sourceAddress, requestID: requestID)
                return .locked
            }
            try await note(login: login, userID: userID, outcome: "success", address: sourceAddress, requestID: requestID)
            return .success(userID: userID)
        }
        let (count, nowLocked) = try await database.client.first("""
            UPDATE staff_user SET failed_login_count = failed_login_count + 1,
                   locked_at = CASE WHEN locked_at IS NULL AND failed_login_count + 1 >= \(maxFailures) THEN \(now) ELSE locked_at END
            WHERE id = \(userID) RETURNING failed_login_count, locked_at IS NOT NULL
            """, as: (Int, Bool).self, logger: logger) ?? (0, false)
        try await note(login: login, userID: userID, outcome: "wrong-password", address: sourceAddress, requestID: requestID)
        if nowLocked && count == maxFailures {
            logger.warning("account locked after repeated wrong passwords", metadata: ["login": "\(login)", "failures": "\(count)"])
            try await auditLog.record(AuditEvent(actorUserID: nil, actorLogin: "system", action: "user.lock",
                                                 recordType: "staff_user", recordID: String(userID), sourceAddress: sourceAddress,
                                                 detail: "\(count)回連続でパスワード誤り", requestID: requestID))
        }
        return nowLocked ? .locked : .invalidCredentials
    }

    /// Records the attempt in `login_attempt` and in the audit log. What was typed as a login is
    /// kept (truncated) to investigate attacks, unless it looks like an individual number, which
    /// must never be stored.
    func note(login typed: String, userID: Int64?, outcome: String, address: String, requestID: String) async throws {
        let login = IndividualNumber.appears(in: typed) ? "(masked)" : String(typed.prefix(64))
        try await database.transaction { connection in
            try await connection.execute("""
                INSERT INTO login_attempt (login, user_id, occurred_at, source_address, outcome)
                VALUES (\(login), \(userID), \(clock.now()), \(address), \(outcome))
                """, logger: logger)
            try await auditLog.record(AuditEvent(
                actorUserID: userID, actorLogin: login, action: "session.login",
                recordType: "staff_user", recordID: userID.map(String.init) ?? "",
                sourceAddress: address, result: outcome == "success" ? .success : .failure,
                detail: outcome, requestID: requestID), on: connection)
        }
    }
}
