import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Administration of staff accounts and roles (E1): create, edit, disable, assign roles, reset
/// passwords, unlock.
struct UserAdminController {
    let accounts: AccountDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/admin/users", .permission(.usersManage), use: list)
            .get("/admin/users/new", .permission(.usersManage), use: new)
            .post("/admin/users", .permission(.usersManage), use: create)
            .get("/admin/users/:id", .permission(.usersManage), use: show)
            .post("/admin/users/:id", .permission(.usersManage), use: update)
            .post("/admin/users/:id/password", .permission(.usersManage), use: resetPassword)
            .post("/admin/users/:id/unlock", .permission(.usersManage), use: unlock)
            .post("/admin/users/:id/mfa-reset", .permission(.usersManage), use: resetSecondFactor)
            .get("/admin/roles", .permission(.usersManage), use: roles)
            .post("/admin/roles/:name", .permission(.usersManage), use: updateRole)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let users = try await accounts.users(caller: context.caller)
        let model = AccountsModels.Users(users: users.map {
            .init(id: $0.id, login: $0.login, displayName: $0.displayName, roles: $0.roles, active: $0.active, locked: $0.isLocked,
                  lastLogin: $0.lastLoginAt.map(JapaneseDate.dateTime) ?? "—")
        })
        let messages = request.uri.queryParameters["done"] == "created" ? PageMessages(flash: "利用者を追加しました。") : PageMessages()
        return try renderer.staff("users", context, title: "利用者管理", current: "/admin/users", messages: messages, model)
    }

    func roleChoices(checked: Set<String>) async throws -> [AccountsModels.RoleChoice] {
        try await accounts.roles().map { .init(name: $0.name, label: $0.label, description: $0.description, checked: checked.contains($0.name)) }
    }

    @Sendable func new(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await newPage(context, errors: [], login: "", displayName: "", checked: ["clerk"], status: .ok)
    }

    func newPage(_ context: AppRequestContext, errors: [String], login: String, displayName: String, checked: Set<String>,
                 status: HTTPResponse.Status) async throws -> Response {
        let model = AccountsModels.New(errors: errors, form: .init(login: login, displayName: displayName), roles: try await roleChoices(checked: checked))
        return try renderer.staff("user-new", context, title: "利用者を追加", current: "/admin/users", model, status: status)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let (login, displayName, roles) = (form.text("login").lowercased(), form.text("displayName"), form.all("roles"))
        do {
            let (id, generated) = try await accounts.createUser(login: login, displayName: displayName, password: form["password"], roles: roles,
                                                                caller: context.caller)
            var response = try await editPage(context, id: id, errors: [], generatedPassword: generated ?? "", messages: .init(flash: "利用者を追加しました。"),
                                              status: .created)
            response.headers[.location] = "/admin/users/\(id)"
            return response
        } catch let refused as AccountDesk.Refused {
            return try await newPage(context, errors: refused.messages, login: login, displayName: displayName, checked: Set(roles),
                                     status: .unprocessableContent)
        }
    }

    func pathUser(_ context: AppRequestContext) async throws -> StaffUser {
        guard let user = try await accounts.user(id: try context.parameters.require("id", as: Int64.self)) else { throw AppError.notFound }
        return user
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try await pathUser(context)
        try await accounts.open(user, caller: context.caller)
        let done = ["saved": "保存しました。", "unlocked": "ロックを解除しました。",
                    "mfa-reset": "2段階認証を解除しました。本人は次回ログイン時に設定し直します。"]
        return try await editPage(context, id: user.id, errors: [], generatedPassword: "",
                                  messages: .init(flash: request.uri.queryParameters["done"].flatMap { done[String($0)] } ?? ""), status: .ok)
    }

    func editPage(_ context: AppRequestContext, id: Int64, errors: [String], generatedPassword: String, messages: PageMessages,
                  status: HTTPResponse.Status) async throws -> Response {
        guard let user = try await accounts.user(id: id) else { throw AppError.notFound }
        let now = clock.now()
        let mfa = try await accounts.secondFactorState(userID: user.id)
        let model = AccountsModels.Edit(
            user: .init(id: user.id, login: user.login, displayName: user.displayName, active: user.active, locked: user.isLocked,
                        failedLoginCount: user.failedLoginCount),
            lockedAt: user.lockedAt.map(JapaneseDate.dateTime) ?? "", roles: try await roleChoices(checked: Set(user.roles)), errors: errors,
            tokens: try await accounts.tokens().filter { $0.login == user.login }.map { token in
                .init(id: token.id, name: token.name, created: JapaneseDate.dateTime(token.createdAt), lastUsed: token.lastUsedAt.map(JapaneseDate.dateTime) ?? "—",
                      expires: token.expiresAt.map(JapaneseDate.dateTime) ?? "—", scopes: token.scopes.joined(separator: " "),
                      status: token.revokedAt != nil ? "失効" : (token.expiresAt.map { $0 < now } ?? false) ? "期限切れ" : "有効")
            },
            generatedPassword: generatedPassword,
            mfaEnrolled: mfa.enrolled, mfaEnrolledAt: mfa.enrolledAt.map(JapaneseDate.dateTime) ?? "", recoveryCodesLeft: mfa.recoveryCodesLeft)
        return try renderer.staff("user-edit", context, title: "利用者: \(user.login)", current: "/admin/users", messages: messages, model, status: status)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try await pathUser(context)
        do {
            try await accounts.updateUser(user, displayName: context.form.text("displayName"), active: context.form["active"] == "1",
                                          roles: context.form.all("roles"), caller: context.caller)
        } catch let refused as AccountDesk.Refused {
            return try await editPage(context, id: user.id, errors: refused.messages, generatedPassword: "", messages: .init(), status: .unprocessableContent)
        }
        return Responses.redirect("/admin/users/\(user.id)?done=saved")
    }

    @Sendable func resetPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try await pathUser(context)
        do {
            let generated = try await accounts.resetPassword(user, to: context.form["password"], caller: context.caller)
            return try await editPage(context, id: user.id, errors: [], generatedPassword: generated ?? "",
                                      messages: .init(flash: "パスワードを再設定しました。次回ログイン時に本人が変更します。"), status: .ok)
        } catch let refused as AccountDesk.Refused {
            return try await editPage(context, id: user.id, errors: refused.messages, generatedPassword: "", messages: .init(), status: .unprocessableContent)
        }
    }

    @Sendable func unlock(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try await pathUser(context)
        try await accounts.unlock(user, caller: context.caller)
        return Responses.redirect("/admin/users/\(user.id)?done=unlocked")
    }

    /// Removes a lost phone's second factor; the owner enrols again at the next sign-in.
    @Sendable func resetSecondFactor(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try await pathUser(context)
        try await accounts.resetSecondFactor(user, caller: context.caller)
        return Responses.redirect("/admin/users/\(user.id)?done=mfa-reset")
    }

    @Sendable func roles(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await rolesPage(context, errors: [], flash: request.uri.queryParameters["done"] == "saved" ? "職務の権限を保存しました。" : "", status: .ok)
    }

    @Sendable func updateRole(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        do {
            try await accounts.setPermissions(role: name, context.form.all("permissions").compactMap(Permission.init(rawValue:)), caller: context.caller)
        } catch let refused as AccountDesk.Refused {
            return try await rolesPage(context, errors: refused.messages, flash: "", status: .unprocessableContent)
        } catch StaffUserError.unknownRole {
            throw AppError.notFound
        }
        return Responses.redirect("/admin/roles?done=saved")
    }

    func rolesPage(_ context: AppRequestContext, errors: [String], flash: String, status: HTTPResponse.Status) async throws -> Response {
        let model = AccountsModels.Roles(errors: errors, roles: try await accounts.roles().map { role in
            .init(name: role.name, label: role.label, description: role.description,
                  permissions: Permission.allCases.map { .init(name: $0.rawValue, label: $0.label, granted: role.permissions.contains($0.rawValue)) })
        })
        return try renderer.staff("roles", context, title: "職務と権限", current: "/admin/users", messages: .init(flash: flash), model, status: status)
    }
}
