import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Staff accounts, their roles, and the roles' permissions (E1).
public struct StaffUserStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    static let userColumns: PostgresQuery = """
        SELECT u.id, u.login, u.display_name, u.active, u.failed_login_count, u.locked_at, u.must_change_password,
               u.last_login_at, u.previous_login_at, u.previous_login_address, u.created_at,
               ARRAY(SELECT r.role_name FROM staff_user_role r WHERE r.user_id = u.id ORDER BY r.role_name)
        FROM staff_user u
        """

    static func user(_ row: PostgresRow) throws -> StaffUser {
        let (id, login, name, active, failed, lockedAt, mustChange, lastLogin, previousLogin, previousAddress, created, roles) =
            try row.decode((Int64, String, String, Bool, Int, Date?, Bool, Date?, Date?, String?, Date, [String]).self)
        return StaffUser(id: id, login: login, displayName: name, active: active, failedLoginCount: failed, lockedAt: lockedAt,
                         mustChangePassword: mustChange, lastLoginAt: lastLogin, previousLoginAt: previousLogin,
                         previousLoginAddress: previousAddress, createdAt: created, roles: roles)
    }

    func users(_ query: PostgresQuery, on db: any SQLExecutor) async throws -> [StaffUser] {
        var users: [StaffUser] = []
        for try await row in try await db.run(query, logger: logger) { users.append(try Self.user(row)) }
        return users
    }

    public func all() async throws -> [StaffUser] {
        var query = Self.userColumns
        query.sql += " ORDER BY u.login"
        return try await users(query, on: database.client)
    }

    public func find(id: Int64, on db: (any SQLExecutor)? = nil) async throws -> StaffUser? {
        var query = Self.userColumns
        query.sql += " WHERE u.id = $1"
        query.binds.append(id)
        return try await users(query, on: db ?? database.client).first
    }

    public func find(login: String, on db: (any SQLExecutor)? = nil) async throws -> StaffUser? {
        var query = Self.userColumns
        query.sql += " WHERE u.login = $1"
        query.binds.append(login)
        return try await users(query, on: db ?? database.client).first
    }

    public func count() async throws -> Int {
        try await database.client.first("SELECT count(*) FROM staff_user", as: (Int).self, logger: logger) ?? 0
    }

    /// Creates an account; `roles` must name existing roles. Returns the new id.
    public func create(login: String, displayName: String, passwordHash: String, roles: [String],
                       mustChangePassword: Bool, on connection: PostgresConnection) async throws -> Int64 {
        guard let id = try await connection.first("""
            INSERT INTO staff_user (login, display_name, password_hash, must_change_password)
            VALUES (\(login), \(displayName), \(passwordHash), \(mustChangePassword)) RETURNING id
            """, as: (Int64).self, logger: logger) else { throw StaffUserError.notFound }
        try await setRoles(userID: id, roles: roles, on: connection)
        return id
    }

    public func setRoles(userID: Int64, roles: [String], on connection: PostgresConnection) async throws {
        let names: [String] = try await connection.all("SELECT name FROM role", as: (String).self, logger: logger)
        let known = Set(names)
        if let unknown = roles.first(where: { !known.contains($0) }) { throw StaffUserError.unknownRole(unknown) }
        try await connection.execute("DELETE FROM staff_user_role WHERE user_id = \(userID)", logger: logger)
        try await connection.execute("""
            INSERT INTO staff_user_role (user_id, role_name) SELECT \(userID), unnest(\(roles)::text[])
            """, logger: logger)
    }

    public func update(id: Int64, displayName: String, active: Bool, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE staff_user SET display_name = \(displayName), active = \(active), updated_at = now() WHERE id = \(id)
            """, logger: logger)
        if !active {
            try await connection.execute("DELETE FROM staff_session WHERE user_id = \(id)", logger: logger)
            try await connection.execute("UPDATE api_token SET revoked_at = now() WHERE user_id = \(id) AND revoked_at IS NULL", logger: logger)
        }
    }

    /// Sets a new password. `mustChange` is true when an administrator reset it, so the owner
    /// chooses their own at next login. Other sessions of the user end (ASVS 5.0 V7.4.3).
    public func setPassword(id: Int64, hash: String, mustChange: Bool, keepSession tokenHash: Data? = nil,
                            on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE staff_user SET password_hash = \(hash), must_change_password = \(mustChange),
                   password_changed_at = now(), updated_at = now() WHERE id = \(id)
            """, logger: logger)
        try await connection.execute("""
            DELETE FROM staff_session WHERE user_id = \(id) AND token_hash IS DISTINCT FROM \(tokenHash)
            """, logger: logger)
        // A reset means the password may have been known to someone else: so may the tokens (#13).
        if mustChange {
            try await connection.execute("UPDATE api_token SET revoked_at = now() WHERE user_id = \(id) AND revoked_at IS NULL", logger: logger)
        }
    }

    public func unlock(id: Int64, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE staff_user SET locked_at = NULL, failed_login_count = 0, updated_at = now() WHERE id = \(id)
            """, logger: logger)
    }

    public func passwordHash(id: Int64) async throws -> String? {
        try await database.client.first("SELECT password_hash FROM staff_user WHERE id = \(id)", as: (String).self, logger: logger)
    }

    // MARK: roles

    public func roles() async throws -> [Role] {
        try await database.client.all("""
            SELECT r.name, r.label, r.description,
                   ARRAY(SELECT p.permission FROM role_permission p WHERE p.role_name = r.name ORDER BY p.permission)
            FROM role r ORDER BY r.sort_order, r.name
            """, as: (String, String, String, [String]).self, logger: logger)
            .map { Role(name: $0.0, label: $0.1, description: $0.2, permissions: $0.3) }
    }

    public func setPermissions(role: String, permissions: [Permission], on connection: PostgresConnection) async throws {
        try await connection.execute("DELETE FROM role_permission WHERE role_name = \(role)", logger: logger)
        try await connection.execute("""
            INSERT INTO role_permission (role_name, permission) SELECT \(role), unnest(\(permissions.map(\.rawValue))::text[])
            """, logger: logger)
    }

    /// The permissions a user holds through all their roles.
    public func permissions(userID: Int64) async throws -> Set<Permission> {
        let names = try await database.client.all("""
            SELECT DISTINCT p.permission FROM staff_user_role r JOIN role_permission p ON p.role_name = r.role_name
            WHERE r.user_id = \(userID)
            """, as: (String).self, logger: logger)
        return Set(names.compactMap(Permission.init(rawValue:)))
    }

    /// Active accounts that can manage users: a change that leaves none is refused.
    public func activeUserManagers(on connection: PostgresConnection) async throws -> Int {
        try await connection.first("""
            SELECT count(DISTINCT u.id) FROM staff_user u JOIN staff_user_role r ON r.user_id = u.id
            JOIN role_permission p ON p.role_name = r.role_name
            WHERE u.active AND p.permission = 'users.manage'
            """, as: (Int).self, logger: logger) ?? 0
    }
}
