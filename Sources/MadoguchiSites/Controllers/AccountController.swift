import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import NIOPosix

/// A staff member's own password (E3): the current one is required, the policy applies, and
/// other sessions of the account end.
struct AccountController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/account/password", .signedIn, use: show)
            .post("/account/password", .signedIn, use: change)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try page(context, errors: [], status: .ok)
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let identity = context.identity, let session = context.session else { throw AppError.unauthorized }
        let form = context.form
        let current = form["current"] ?? "", new = form["new"] ?? "", confirm = form["confirm"] ?? ""
        var errors = services.passwordPolicy.violations(password: new, login: identity.login)
        if new != confirm { errors.append("確認用のパスワードが一致しません。") }
        if new == current { errors.append("現在と同じパスワードは使えません。") }
        let hash = try await services.users.passwordHash(id: identity.userID) ?? ""
        let hasher = services.hasher
        let currentMatches = try await NIOThreadPool.singleton.runIfActive { hasher.verify(current, against: hash) }
        if !currentMatches { errors.insert("現在のパスワードが正しくありません。", at: 0) }
        guard errors.isEmpty else {
            try await services.audit(context, action: "user.change-password", recordType: "staff_user",
                                     recordID: String(identity.userID), result: .failure)
            return try page(context, errors: errors, status: .unprocessableContent)
        }
        let newHash = try await NIOThreadPool.singleton.runIfActive { hasher.hash(new) }
        try await services.database.transaction { connection in
            try await services.users.setPassword(id: identity.userID, hash: newHash, mustChange: false,
                                                 keepSession: session.tokenHash, on: connection)
            try await services.auditLog.record(services.event(context, action: "user.change-password",
                                                              recordType: "staff_user", recordID: String(identity.userID)),
                                               on: connection)
        }
        return Responses.redirect("/?done=password")
    }

    func page(_ context: AppRequestContext, errors: [String], status: HTTPResponse.Status) throws -> Response {
        try services.renderer.response("password", StaffPage.context(context, title: "パスワード変更", [
            "errors": errors, "minimumLength": services.passwordPolicy.minimumLength,
            "mustChange": context.identity?.mustChangePassword ?? false,
        ]), status: status)
    }
}
