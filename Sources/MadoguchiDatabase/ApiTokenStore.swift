import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Bearer tokens for integrations (scanning stations, card-reader helper, registry sync).
/// A token acts as its owner with the permissions both its scopes and the owner's roles grant
/// today (#13); only its SHA-256 is stored.
public struct ApiTokenStore: Sendable {
    public let database: Database
    public let clock: any TimeSource
    var logger: Logger { database.logger }

    public static let prefix = "mdg_"

    public init(database: Database, clock: any TimeSource) {
        self.database = database
        self.clock = clock
    }

    /// Issues a token; the plain value is returned once and never again.
    public func create(userID: Int64, name: String, scopes: Set<Permission>, expiresAt: Date?,
                       on db: any SQLExecutor) async throws -> (id: Int64, token: String) {
        let token = Self.prefix + SecureToken.generate()
        guard let id = try await db.first("""
            INSERT INTO api_token (user_id, name, token_hash, created_at, expires_at, scopes)
            VALUES (\(userID), \(name), \(Data(SecureToken.digest(token))), \(clock.now()), \(expiresAt), \(scopes.map(\.rawValue).sorted()))
            RETURNING id
            """, as: (Int64).self, logger: logger) else { throw StaffUserError.notFound }
        return (id, token)
    }

    /// The identity behind a presented bearer token, or nil when it is unknown, revoked, expired,
    /// or its owner is inactive or locked.
    public func identity(token: String) async throws -> StaffIdentity? {
        guard token.hasPrefix(Self.prefix) else { return nil }
        let hash = Data(SecureToken.digest(token))
        guard let (tokenID, lastUsed, userID, login, name, permissions) = try await database.client.first("""
            SELECT t.id, t.last_used_at, u.id, u.login, u.display_name,
                   ARRAY(SELECT DISTINCT p.permission FROM staff_user_role r JOIN role_permission p ON p.role_name = r.role_name
                         WHERE r.user_id = u.id AND p.permission = ANY(t.scopes))
            FROM api_token t JOIN staff_user u ON u.id = t.user_id
            WHERE t.token_hash = \(hash) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > \(clock.now()))
              AND u.active AND u.locked_at IS NULL AND NOT u.must_change_password
            """, as: (Int64, Date?, Int64, String, String, [String]).self, logger: logger)
        else { return nil }
        let now = clock.now()
        if lastUsed.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await database.client.execute("UPDATE api_token SET last_used_at = \(now) WHERE id = \(tokenID)", logger: logger)
        }
        return StaffIdentity(userID: userID, login: login, displayName: name,
                             permissions: Set(permissions.compactMap(Permission.init(rawValue:))))
    }

    public func list() async throws -> [ApiToken] {
        try await database.client.all("""
            SELECT t.id, u.login, t.name, t.created_at, t.last_used_at, t.expires_at, t.revoked_at, t.scopes
            FROM api_token t JOIN staff_user u ON u.id = t.user_id ORDER BY t.id
            """, as: (Int64, String, String, Date, Date?, Date?, Date?, [String]).self, logger: logger)
            .map { ApiToken(id: $0.0, login: $0.1, name: $0.2, createdAt: $0.3, lastUsedAt: $0.4, expiresAt: $0.5, revokedAt: $0.6, scopes: $0.7) }
    }

    /// Revokes a token; returns false when no active token has that id.
    public func revoke(id: Int64, on db: any SQLExecutor) async throws -> Bool {
        try await db.first("""
            UPDATE api_token SET revoked_at = \(clock.now()) WHERE id = \(id) AND revoked_at IS NULL RETURNING id
            """, as: (Int64).self, logger: logger) != nil
    }
}
