import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import NIOPosix
import PostgresNIO

/// Administration of staff accounts and roles (E1): create, edit, disable, assign roles, reset
/// passwords, unlock. Every change is audited in the same transaction as the change.
struct UserAdminController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/admin/users", .permission(.usersManage), use: list)
            .get("/admin/users/new", .permission(.usersManage), use: new)
            .post("/admin/users", .permission(.usersManage), use: create)
            .get("/admin/users/:id", .permission(.usersManage), use: show)
            .post("/admin/users/:id", .permission(.usersManage), use: update)
            .post("/admin/users/:id/password", .permission(.usersManage), use: resetPassword)
            .post("/admin/users/:id/unlock", .permission(.usersManage), use: unlock)
            .get("/admin/roles", .permission(.usersManage), use: roles)
            .post("/admin/roles/:name", .permission(.usersManage), use: updateRole)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let users = try await services.users.all()
        try await services.audit(context, action: "user.list", recordType: "staff_user", detail: "\(users.count)件")
        let flash: [String: String] = ["created": "利用者を追加しました。"]
        var values: [String: Any] = ["users": users.map { user -> [String: Any] in
            ["id": user.id, "login": user.login, "displayName": user.displayName, "roles": user.roles, "active": user.active,
             "locked": user.isLocked, "lastLogin": user.lastLoginAt.map(JapaneseDate.dateTime) ?? "—"]
        }]
        if let done = request.uri.queryParameters["done"].flatMap({ flash[String($0)] }) { values["flash"] = done }
        return try services.renderer.response("users", StaffPage.context(context, title: "利用者管理", current: "/admin/users", values))
    }

    @Sendable func new(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await newPage(context, errors: [], login: "", displayName: "", checked: ["clerk"], status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let login = form.text("login").lowercased(), displayName = form.text("display_name")
        let roles = form.all("roles")
        var password = form["password"] ?? ""
        let generated = password.isEmpty
        if generated { password = SecureToken.readablePassword() }
        var errors = Self.validate(login: login, displayName: displayName)
        if !generated { errors += services.passwordPolicy.violations(password: password, login: login) }
        if try await services.users.find(login: login) != nil { errors.append(StaffUserError.loginTaken(login).description) }
        guard errors.isEmpty else {
            return try await newPage(context, errors: errors, login: login, displayName: displayName, checked: Set(roles),
                                     status: .unprocessableContent)
        }
        let hash = try await hash(password)
        let id = try await services.database.transaction { connection in
            let id = try await services.users.create(login: login, displayName: displayName, passwordHash: hash, roles: roles,
                                                     mustChangePassword: true, on: connection)
            try await services.auditLog.record(services.event(context, action: "user.create", recordType: "staff_user",
                                                              recordID: String(id), detail: "roles=\(roles.joined(separator: ","))"),
                                               on: connection)
            return id
        }
        return try await editPage(context, id: id, errors: [], generatedPassword: generated ? password : nil,
                                  flash: "利用者を追加しました。", status: .created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Int64.self)
        let flash: [String: String] = ["saved": "保存しました。", "unlocked": "ロックを解除しました。"]
        try await services.audit(context, action: "user.view", recordType: "staff_user", recordID: String(id))
        return try await editPage(context, id: id, errors: [], generatedPassword: nil,
                                  flash: request.uri.queryParameters["done"].flatMap { flash[String($0)] }, status: .ok)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Int64.self)
        guard let before = try await services.users.find(id: id) else { throw AppError.notFound }
        let form = context.form
        let displayName = form.text("display_name")
        let active = form["active"] == "1"
        let roles = form.all("roles")
        var errors = Self.validate(login: before.login, displayName: displayName)
        if let me = context.identity, me.userID == id, !active || !roles.contains("administrator") && before.roles.contains("administrator") {
            errors.append("自分自身を無効にしたり、自分の管理者の職務を外したりはできません。")
        }
        guard errors.isEmpty else {
            return try await editPage(context, id: id, errors: errors, generatedPassword: nil, flash: nil, status: .unprocessableContent)
        }
        try await services.database.transaction { connection in
            try await services.users.update(id: id, displayName: displayName, active: active, on: connection)
            try await services.users.setRoles(userID: id, roles: roles, on: connection)
            try await Self.requireAnAdministrator(on: connection, services: services)
            var changes: [String] = []
            if before.displayName != displayName { changes.append("display_name") }
            if before.active != active { changes.append(active ? "activated" : "deactivated") }
            if Set(before.roles) != Set(roles) { changes.append("roles=\(roles.sorted().joined(separator: ","))") }
            try await services.auditLog.record(services.event(context, action: "user.update", recordType: "staff_user",
                                                              recordID: String(id), detail: changes.joined(separator: " ")),
                                               on: connection)
        }
        return Responses.redirect("/admin/users/\(id)?done=saved")
    }

    @Sendable func resetPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Int64.self)
        guard let user = try await services.users.find(id: id) else { throw AppError.notFound }
        var password = context.form["password"] ?? ""
        let generated = password.isEmpty
        if generated { password = SecureToken.readablePassword() }
        let errors = generated ? [] : services.passwordPolicy.violations(password: password, login: user.login)
        guard errors.isEmpty else {
            return try await editPage(context, id: id, errors: errors, generatedPassword: nil, flash: nil, status: .unprocessableContent)
        }
        let hash = try await hash(password)
        try await services.database.transaction { connection in
            try await services.users.setPassword(id: id, hash: hash, mustChange: true, on: connection)
            try await services.auditLog.record(services.event(context, action: "user.reset-password", recordType: "staff_user",
                                                              recordID: String(id)), on: connection)
        }
        return try await editPage(context, id: id, errors: [], generatedPassword: generated ? password : nil,
                                  flash: "パスワードを再設定しました。次回ログイン時に本人が変更します。", status: .ok)
    }

    @Sendable func unlock(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Int64.self)
        guard try await services.users.find(id: id) != nil else { throw AppError.notFound }
        try await services.database.transaction { connection in
            try await services.users.unlock(id: id, on: connection)
            try await services.auditLog.record(services.event(context, action: "user.unlock", recordType: "staff_user",
                                                              recordID: String(id)), on: connection)
        }
        return Responses.redirect("/admin/users/\(id)?done=unlocked")
    }

    @Sendable func roles(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await rolesPage(context, errors: [], flash: request.uri.queryParameters["done"] == "saved" ? "職務の権限を保存しました。" : nil,
                            status: .ok)
    }

    @Sendable func updateRole(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard try await services.users.roles().contains(where: { $0.name == name }) else { throw AppError.notFound }
        let permissions = context.form.all("permissions").compactMap(Permission.init(rawValue:))
        if name == "administrator", !permissions.contains(.usersManage) {
            return try await rolesPage(context, errors: ["システム管理者の職務から「利用者・権限の管理」は外せません。"], flash: nil,
                                       status: .unprocessableContent)
        }
        try await services.database.transaction { connection in
            try await services.users.setPermissions(role: name, permissions: permissions, on: connection)
            try await Self.requireAnAdministrator(on: connection, services: services)
            try await services.auditLog.record(services.event(context, action: "role.update", recordType: "role", recordID: name,
                                                              detail: permissions.map(\.rawValue).sorted().joined(separator: ",")),
                                               on: connection)
        }
        return Responses.redirect("/admin/roles?done=saved")
    }

    // MARK: - helpers

    static func validate(login: String, displayName: String) -> [String] {
        var errors: [String] = []
        if login.range(of: #"^[a-z0-9][a-z0-9._-]{1,31}$"#, options: .regularExpression) == nil {
            errors.append("ログインIDは半角英小文字・数字と . _ - で2〜32文字にしてください。")
        }
        if displayName.isEmpty || displayName.count > 100 { errors.append("氏名は1〜100文字で入力してください。") }
        if IndividualNumber.appears(in: displayName) { errors.append(IndividualNumber.refusalMessage) }
        return errors
    }

    /// Refuses a change that would leave nobody able to manage users.
    static func requireAnAdministrator(on connection: PostgresConnection, services: SiteServices) async throws {
        let managers = try await connection.first("""
            SELECT count(DISTINCT u.id) FROM staff_user u JOIN staff_user_role r ON r.user_id = u.id
            JOIN role_permission p ON p.role_name = r.role_name
            WHERE u.active AND p.permission = 'users.manage'
            """, as: (Int).self, logger: services.logger) ?? 0
        if managers == 0 { throw AppError.conflict("利用者を管理できる有効なアカウントが1つもなくなるため、変更できません。") }
    }

    func hash(_ password: String) async throws -> String {
        let hasher = services.hasher
        return try await NIOThreadPool.singleton.runIfActive { hasher.hash(password) }
    }

    func roleOptions(checked: Set<String>) async throws -> [[String: Any]] {
        try await services.users.roles().map {
            ["name": $0.name, "label": $0.label, "description": $0.description, "checked": checked.contains($0.name)]
        }
    }

    func newPage(_ context: AppRequestContext, errors: [String], login: String, displayName: String, checked: Set<String>,
                 status: HTTPResponse.Status) async throws -> Response {
        try services.renderer.response("user-new", StaffPage.context(context, title: "利用者を追加", current: "/admin/users", [
            "errors": errors, "form": ["login": login, "displayName": displayName],
            "roles": try await roleOptions(checked: checked),
        ]), status: status)
    }

    func editPage(_ context: AppRequestContext, id: Int64, errors: [String], generatedPassword: String?, flash: String?,
                  status: HTTPResponse.Status) async throws -> Response {
        guard let user = try await services.users.find(id: id) else { throw AppError.notFound }
        let tokens = try await services.tokens.list().filter { $0.login == user.login }
        var values: [String: Any] = [
            "user": ["id": user.id, "login": user.login, "displayName": user.displayName, "active": user.active,
                     "locked": user.isLocked, "failedLoginCount": user.failedLoginCount],
            "lockedAt": user.lockedAt.map(JapaneseDate.dateTime) ?? "",
            "roles": try await roleOptions(checked: Set(user.roles)),
            "errors": errors,
            "tokens": tokens.map { token -> [String: Any] in
                ["id": token.id, "name": token.name, "created": JapaneseDate.dateTime(token.createdAt),
                 "lastUsed": token.lastUsedAt.map(JapaneseDate.dateTime) ?? "—",
                 "status": token.revokedAt != nil ? "失効" : (token.expiresAt.map { $0 < services.clock.now() } ?? false) ? "期限切れ" : "有効"]
            },
        ]
        if let generatedPassword { values["generatedPassword"] = generatedPassword }
        if let flash { values["flash"] = flash }
        var response = try services.renderer.response("user-edit", StaffPage.context(
            context, title: "利用者: \(user.login)", current: "/admin/users", values), status: status)
        if status == .created { response.headers[.location] = "/admin/users/\(id)" }
        return response
    }

    func rolesPage(_ context: AppRequestContext, errors: [String], flash: String?, status: HTTPResponse.Status) async throws -> Response {
        let csrf = context.session?.csrfToken ?? ""
        var values: [String: Any] = [
            "errors": errors,
            "roles": try await services.users.roles().map { role -> [String: Any] in
                ["name": role.name, "label": role.label, "description": role.description, "csrf": csrf,
                 "permissions": Permission.allCases.map { p -> [String: Any] in
                     ["name": p.rawValue, "label": p.label, "granted": role.permissions.contains(p.rawValue)]
                 }]
            },
        ]
        if let flash { values["flash"] = flash }
        return try services.renderer.response("roles", StaffPage.context(context, title: "職務と権限", current: "/admin/users", values),
                                              status: status)
    }
}
