import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import NIOPosix
import PostgresNIO

/// Staff accounts, roles and permissions (E1), sign-in with lockout and sessions (E3), own
/// password changes, and API tokens for machines. Administration is audited in the same
/// transaction as the change; password hashing runs off the request threads.
public struct AccountDesk: Sendable {
    let users: StaffUserStore
    let sessions: StaffSessionStore
    let tokens: ApiTokenStore
    let attempts: LoginAttemptStore
    let mfa: StaffMFAStore
    let limiter: RateLimiter
    let secrets: AppSecrets
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource
    let configuration: ServiceConfiguration
    let hasher: PasswordHasher
    public let passwordPolicy: PasswordPolicy

    // MARK: identities

    /// The session behind a cookie value (idle and absolute timeouts applied).
    public func session(token: String) async throws -> StaffSessionLookup { try await sessions.lookup(token: token) }

    /// The identity behind a bearer token: nil when unknown, revoked, expired, or its owner cannot sign in.
    public func identity(apiToken: String) async throws -> StaffIdentity? { try await tokens.identity(token: apiToken) }

    public func user(id: Int64) async throws -> StaffUser? { try await users.find(id: id) }
    public func user(login: String) async throws -> StaffUser? { try await users.find(login: login) }
    public func roles() async throws -> [Role] { try await users.roles() }

    /// Ends a browser session on the server.
    public func signOut(_ session: StaffSession, caller: Caller) async throws {
        try await sessions.delete(tokenHash: session.tokenHash)
        try await audit.record(caller, "session.logout", recordType: "staff_user", recordID: String(session.identity.userID))
    }

    public func purgeExpiredSessions() async throws { try await sessions.purgeExpired() }

    // MARK: own password

    /// Changes the caller's own password: the current one must be right, the new one must meet
    /// the policy; other sessions of the account end. Returns the problems (empty on success).
    public func changeOwnPassword(current: String, new: String, confirm: String, session: StaffSession, caller: Caller) async throws -> [String] {
        let identity = session.identity
        var errors = passwordPolicy.violations(password: new, login: identity.login)
        if new != confirm { errors.append("確認用のパスワードが一致しません。") }
        if new == current { errors.append("現在と同じパスワードは使えません。") }
        let stored = try await users.passwordHash(id: identity.userID) ?? ""
        let hasher = hasher
        if !(try await NIOThreadPool.singleton.runIfActive { hasher.verify(current, against: stored) }) {
            errors.insert("現在のパスワードが正しくありません。", at: 0)
        }
        guard errors.isEmpty else {
            try await audit.record(caller, "user.change-password", recordType: "staff_user", recordID: String(identity.userID), result: .failure)
            return errors
        }
        let newHash = try await hash(new)
        try await database.transaction { connection in
            try await users.setPassword(id: identity.userID, hash: newHash, mustChange: false, keepSession: session.tokenHash, on: connection)
            try await audit.record(caller, "user.change-password", recordType: "staff_user", recordID: String(identity.userID), on: connection)
        }
        return []
    }

    // MARK: administration

    /// Every account (audited: the list names people).
    public func users(caller: Caller) async throws -> [StaffUser] {
        let all = try await users.all()
        try await audit.record(caller, "user.list", recordType: "staff_user", detail: "\(all.count)件")
        return all
    }

    /// Every account, for the operator's console (`madoguchi user list`), unaudited like the
    /// console's other reads.
    public func allUsers() async throws -> [StaffUser] { try await users.all() }

    public func open(_ user: StaffUser, caller: Caller) async throws {
        try await audit.record(caller, "user.view", recordType: "staff_user", recordID: String(user.id))
    }

    static func problems(login: String, displayName: String) -> [String] {
        var errors: [String] = []
        if login.range(of: #"^[a-z0-9][a-z0-9._-]{1,31}$"#, options: .regularExpression) == nil {
            errors.append("ログインIDは半角英小文字・数字と . _ - で2〜32文字にしてください。")
        }
        if displayName.isEmpty || displayName.count > 100 { errors.append("氏名は1〜100文字で入力してください。") }
        if IndividualNumber.appears(in: displayName) { errors.append(IndividualNumber.refusalMessage) }
        return errors
    }

    /// A refused administration change, with every message for the page.
    public struct Refused: Error, Sendable {
        public let messages: [String]
    }

    /// Creates an account; without a password one is generated (returned once). The owner must
    /// choose their own at first sign-in unless `mustChange` is false (command line, demo).
    public func createUser(login rawLogin: String, displayName: String, password: String?, roles: [String], mustChange: Bool = true,
                           caller: Caller) async throws -> (id: Int64, generatedPassword: String?) {
        let login = rawLogin.lowercased()
        let generated = password?.isEmpty ?? true ? SecureToken.readablePassword() : nil
        let password = generated ?? password!
        var errors = Self.problems(login: login, displayName: displayName)
        if generated == nil { errors += passwordPolicy.violations(password: password, login: login) }
        if try await users.find(login: login) != nil { errors.append(StaffUserError.loginTaken(login).description) }
        guard errors.isEmpty else { throw Refused(messages: errors) }
        let hash = try await hash(password)
        let id = try await database.transaction { connection in
            let id = try await users.create(login: login, displayName: displayName, passwordHash: hash, roles: roles,
                                            mustChangePassword: mustChange, on: connection)
            try await audit.record(caller, "user.create", recordType: "staff_user", recordID: String(id),
                                   detail: "roles=\(roles.joined(separator: ","))", on: connection)
            return id
        }
        return (id, generated)
    }

    /// Changes name, active flag and roles. Nobody may disable themselves or drop their own
    /// administrator role, and no change may leave nobody able to manage users.
    public func updateUser(_ before: StaffUser, displayName: String, active: Bool, roles: [String], caller: Caller) async throws {
        var errors = Self.problems(login: before.login, displayName: displayName)
        if caller.userID == before.id, !active || !roles.contains("administrator") && before.roles.contains("administrator") {
            errors.append("自分自身を無効にしたり、自分の管理者の職務を外したりはできません。")
        }
        guard errors.isEmpty else { throw Refused(messages: errors) }
        try await database.transaction { connection in
            try await users.update(id: before.id, displayName: displayName, active: active, on: connection)
            try await users.setRoles(userID: before.id, roles: roles, on: connection)
            try await requireAUserManager(on: connection)
            var changes: [String] = []
            if before.displayName != displayName { changes.append("display_name") }
            if before.active != active { changes.append(active ? "activated" : "deactivated") }
            if Set(before.roles) != Set(roles) { changes.append("roles=\(roles.sorted().joined(separator: ","))") }
            try await audit.record(caller, "user.update", recordType: "staff_user", recordID: String(before.id),
                                   detail: changes.joined(separator: " "), on: connection)
        }
    }

    /// Sets a new password (generated when none is given, and returned once); the owner must
    /// change it at next sign-in, and their sessions end.
    public func resetPassword(_ user: StaffUser, to password: String?, unlock: Bool = false, caller: Caller) async throws -> String? {
        let generated = password?.isEmpty ?? true ? SecureToken.readablePassword() : nil
        let password = generated ?? password!
        if generated == nil {
            let errors = passwordPolicy.violations(password: password, login: user.login)
            guard errors.isEmpty else { throw Refused(messages: errors) }
        }
        let hash = try await hash(password)
        try await database.transaction { connection in
            try await users.setPassword(id: user.id, hash: hash, mustChange: true, on: connection)
            if unlock { try await users.unlock(id: user.id, on: connection) }
            try await audit.record(caller, "user.reset-password", recordType: "staff_user", recordID: String(user.id), on: connection)
        }
        return generated
    }

    public func unlock(_ user: StaffUser, caller: Caller) async throws {
        try await database.transaction { connection in
            try await users.unlock(id: user.id, on: connection)
            try await audit.record(caller, "user.unlock", recordType: "staff_user", recordID: String(user.id), on: connection)
        }
    }

    /// Sets a role's permissions; the administrator role always keeps user management.
    public func setPermissions(role: String, _ permissions: [Permission], caller: Caller) async throws {
        guard try await users.roles().contains(where: { $0.name == role }) else { throw StaffUserError.unknownRole(role) }
        if role == "administrator", !permissions.contains(.usersManage) {
            throw Refused(messages: ["システム管理者の職務から「利用者・権限の管理」は外せません。"])
        }
        try await database.transaction { connection in
            try await users.setPermissions(role: role, permissions: permissions, on: connection)
            try await requireAUserManager(on: connection)
            try await audit.record(caller, "role.update", recordType: "role", recordID: role,
                                   detail: permissions.map(\.rawValue).sorted().joined(separator: ","), on: connection)
        }
    }

    func requireAUserManager(on connection: PostgresConnection) async throws {
        if try await users.activeUserManagers(on: connection) == 0 { throw StaffUserError.lastUserManager }
    }

    // MARK: API tokens

    /// Issues a token for an integration; the plain value is returned once, only its hash is kept.
    /// It acts with `scopes` (permissions, at most its owner's: a token that could do more than
    /// its owner would be refused) and expires after `expiresAt`, by default
    /// `apiTokenDefaultDays` from now (#13).
    public func createToken(for user: StaffUser, name: String, scopes: Set<Permission>, expiresAt: Date?,
                            caller: Caller) async throws -> (id: Int64, token: String) {
        var errors: [String] = []
        if name.isEmpty || name.count > 100 || IndividualNumber.appears(in: name) { errors.append("トークンの名前は1〜100文字で入力してください。") }
        if scopes.isEmpty { errors.append("トークンの権限（scope）を1つ以上指定してください。") }
        let owned = try await users.permissions(userID: user.id)
        let beyond = scopes.subtracting(owned)
        if !beyond.isEmpty {
            errors.append("\(user.login) の職務にない権限はトークンに与えられません: \(beyond.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        let expiry = expiresAt ?? clock.now().addingTimeInterval(TimeInterval(configuration.apiTokenDefaultDays * 86_400))
        if expiry <= clock.now() { errors.append("有効期限は未来の日時にしてください。") }
        guard errors.isEmpty else { throw Refused(messages: errors) }
        return try await database.transaction { connection in
            let created = try await tokens.create(userID: user.id, name: name, scopes: scopes, expiresAt: expiry, on: connection)
            try await audit.record(caller, "token.create", recordType: "api_token", recordID: String(created.id),
                                   detail: "user=\(user.login) name=\(name) scopes=\(scopes.map(\.rawValue).sorted().joined(separator: ",")) "
                                       + "expires=\(ISO8601DateFormatter().string(from: expiry))", on: connection)
            return created
        }
    }

    public func tokens() async throws -> [ApiToken] { try await tokens.list() }

    /// What an account's roles grant today.
    public func permissions(of user: StaffUser) async throws -> Set<Permission> { try await users.permissions(userID: user.id) }

    /// Returns false when no active token has that id.
    public func revokeToken(id: Int64, caller: Caller) async throws -> Bool {
        try await database.transaction { connection in
            let revoked = try await tokens.revoke(id: id, on: connection)
            if revoked { try await audit.record(caller, "token.revoke", recordType: "api_token", recordID: String(id), on: connection) }
            return revoked
        }
    }

    /// bcrypt is deliberately slow: on the thread pool, never on the request threads.
    public func hash(_ password: String) async throws -> String {
        let hasher = hasher
        return try await NIOThreadPool.singleton.runIfActive { hasher.hash(password) }
    }
}

extension AccountDesk {
    /// A request the route guard refused (no permission, a bad CSRF token): in the audit log, so
    /// that probing shows up.
    public func recordRefusal(_ action: String, route: String, detail: String = "", caller: Caller) async throws {
        try await audit.record(caller, action, recordType: "route", recordID: route, result: .denied, detail: detail)
    }
}
