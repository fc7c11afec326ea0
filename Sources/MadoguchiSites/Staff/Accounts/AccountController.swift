import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// A staff member's own password (E3): the current one is required, the policy applies, and
/// other sessions of the account end.
struct AccountController {
    let accounts: AccountDesk
    let renderer: PageRenderer

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/account/password", .signedIn, use: show)
            .post("/account/password", .signedIn, use: change)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try page(context, errors: [], status: .ok)
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = context.session else { throw AppError.unauthorized }
        let form = context.form
        let errors = try await accounts.changeOwnPassword(current: form["current"] ?? "", new: form["new"] ?? "", confirm: form["confirm"] ?? "",
                                                          session: session, caller: context.caller)
        guard errors.isEmpty else { return try page(context, errors: errors, status: .unprocessableContent) }
        return Responses.redirect("/?done=password")
    }

    func page(_ context: AppRequestContext, errors: [String], status: HTTPResponse.Status) throws -> Response {
        let model = AccountsModels.Password(errors: errors, minimumLength: accounts.passwordPolicy.minimumLength,
                                            mustChange: context.identity?.mustChangePassword ?? false)
        return try renderer.staff("password", context, title: "パスワード変更", model, status: status)
    }
}
