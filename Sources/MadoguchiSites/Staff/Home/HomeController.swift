import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The staff home page: greeting, today's date in 和暦, notices, and the menu the user's roles allow.
struct HomeController {
    let accounts: AccountDesk
    let operations: OperationsDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes().get("/", .signedIn, use: home)
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let identity = context.identity, let user = try await accounts.user(id: identity.userID) else { throw AppError.unauthorized }
        let roles = try await accounts.roles()
        let model = OperationsModels.Home(
            todayWareki: JapaneseDate.wareki(clock.now()), roles: user.roles.map { name in roles.first { $0.name == name }?.label ?? name },
            permissions: Permission.allCases.filter(identity.has).map(\.label),
            notices: try await operations.currentNotices(for: "staff").map { .init($0) },
            lastLogin: user.previousLoginAt.map { JapaneseDate.dateTime($0) + "（" + (user.previousLoginAddress ?? "") + "）" } ?? "")
        let messages = request.uri.queryParameters["done"] == "password" ? PageMessages(flash: "パスワードを変更しました。") : PageMessages()
        return try renderer.staff("home", context, title: "ホーム", current: "/", messages: messages, model)
    }
}
