import Foundation
import Hummingbird
import MadoguchiDomain

/// The staff home page: greeting, today's date in 和暦, and the menu the user's roles allow.
struct HomeController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes().get("/", .signedIn, use: home)
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let identity = context.identity, let user = try await services.users.find(id: identity.userID) else {
            throw AppError.unauthorized
        }
        let roles = try await services.users.roles()
        let roleLabels = user.roles.map { name in roles.first { $0.name == name }?.label ?? name }
        var values: [String: Any] = [:]
        if request.uri.queryParameters["done"] == "password" { values["flash"] = "パスワードを変更しました。" }
        // Mustache treats an empty string as true: leave the key out when there is nothing to show.
        if let previous = user.previousLoginAt {
            values["lastLogin"] = JapaneseDate.dateTime(previous) + "（" + (user.previousLoginAddress ?? "") + "）"
        }
        return try services.renderer.response("home", StaffPage.context(context, title: "ホーム", current: "/", values.merging([
            "todayWareki": JapaneseDate.wareki(services.clock.now()),
            "roles": roleLabels,
            "permissions": Permission.allCases.filter(identity.has).map(\.label),
            "notices": try await services.notices.current(audience: "staff", now: services.clock.now()).map(NoticesController.view),
        ]) { $1 }))
    }
}
