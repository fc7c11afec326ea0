import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Browser sessions of staff, kept in PostgreSQL so every instance sees the same ones (F6).
public struct StaffSessionStore: Sendable {
    public let database: Database
    public let clock: any TimeSource
    public let idleTimeout: TimeInterval
    public let absoluteTimeout: TimeInterval
    var logger: Logger { database.logger }

    public init(database: Database, clock: any TimeSource, idleTimeout: TimeInterval, absoluteTimeout: TimeInterval) {
        self.database = database
        self.clock = clock
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
    }

    /// How long a half-signed-in session (waiting for its second factor) lives.
    public static let pendingLifetime: TimeInterval = 10 * 60

    /// Starts a session; returns the token for the cookie (only its hash is stored). A session
    /// short of `full` lives ten minutes: long enough to type a code or scan a QR code.
    public func create(userID: Int64, stage: SessionStage = .full, sourceAddress: String, userAgent: String,
                       on db: any SQLExecutor) async throws -> String {
        let token = SecureToken.generate()
        let now = clock.now()
        let lifetime = stage == .full ? absoluteTimeout : min(absoluteTimeout, Self.pendingLifetime)
        try await db.execute("""
            INSERT INTO staff_session (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, source_address, user_agent, stage)
            VALUES (\(Data(SecureToken.digest(token))), \(userID), \(SecureToken.generate()), \(now), \(now),
                    \(now.addingTimeInterval(lifetime)), \(sourceAddress), \(String(userAgent.prefix(300))), \(stage.rawValue))
            """, logger: logger)
        return token
    }

    /// Every session of one account ends (disabled, password reset, MFA reset).
    public func deleteAll(userID: Int64, on db: any SQLExecutor) async throws {
        try await db.execute("DELETE FROM staff_session WHERE user_id = \(userID)", logger: logger)
    }

    /// Resolves a cookie value. Idle and absolute timeouts are checked against the injected clock;
    /// an expired session is deleted. Inactive or locked owners have no valid session.
    public func lookup(token: String) async throws -> StaffSessionLookup {
        let hash = Data(SecureToken.digest(token))
        guard let row = try await database.client.first("""
            SELECT s.csrf_token, s.last_seen_at, s.expires_at, s.stage, u.id, u.login, u.display_name, u.active,
                   u.locked_at IS NOT NULL, u.must_change_password,
                   ARRAY(SELECT DISTINCT p.permission FROM staff_user_role r JOIN role_permission p ON p.role_name = r.role_name
                         WHERE r.user_id = u.id)
            FROM staff_session s JOIN staff_user u ON u.id = s.user_id WHERE s.token_hash = \(hash)
            """, as: (String, Date, Date, String, Int64, String, String, Bool, Bool, Bool, [String]).self, logger: logger)
        else { return .none }
        let (csrf, lastSeen, expires, stage, userID, login, name, active, locked, mustChange, permissions) = row
        let now = clock.now()
        if !active || locked || now >= expires || now.timeIntervalSince(lastSeen) >= idleTimeout {
            try await database.client.execute("DELETE FROM staff_session WHERE token_hash = \(hash)", logger: logger)
            return .expired
        }
        // Writing on every request would turn each page view into a write; a minute's
        // resolution is plenty for a 30-minute idle timeout.
        if now.timeIntervalSince(lastSeen) > 60 {
            try await database.client.execute(
                "UPDATE staff_session SET last_seen_at = \(now) WHERE token_hash = \(hash)", logger: logger)
        }
        let identity = StaffIdentity(userID: userID, login: login, displayName: name,
                                     permissions: Set(permissions.compactMap(Permission.init(rawValue:))),
                                     mustChangePassword: mustChange)
        return .valid(StaffSession(tokenHash: hash, csrfToken: csrf, identity: identity, stage: SessionStage(rawValue: stage) ?? .mfa))
    }

    public func delete(tokenHash: Data) async throws {
        try await database.client.execute("DELETE FROM staff_session WHERE token_hash = \(tokenHash)", logger: logger)
    }

    /// Removes sessions past their timeouts (run periodically).
    public func purgeExpired() async throws {
        let now = clock.now()
        try await database.client.execute("""
            DELETE FROM staff_session WHERE expires_at <= \(now) OR last_seen_at <= \(now.addingTimeInterval(-idleTimeout))
            """, logger: logger)
    }
}
