import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// During a maintenance window (F3) the resident site answers with a maintenance page, and the
/// staff site lets only administrators (`system.manage`) work. Health checks, assets and the
/// login form stay up.
struct MaintenanceMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let schedule: MaintenanceSchedule
    let clock: any TimeSource
    let renderer: PageRenderer
    let site: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if AlwaysAvailable.contains(request.uri.path) { return try await next(request, context) }
        let now = clock.now()
        guard let window = try await schedule.windows(now: now).first(where: { $0.isActive(at: now) }) else {
            return try await next(request, context)
        }
        if site == "staff", context.identity?.has(.systemManage) ?? false { return try await next(request, context) }
        let page = ErrorPage(title: "メンテナンス中です",
                             detail: "システムの計画停止中です（\(JapaneseDate.dateTime(window.startsAt))〜\(JapaneseDate.dateTime(window.endsAt))）。" + window.message,
                             reference: context.requestID, status: 503)
        var response = try renderer.response("error", page, status: .serviceUnavailable)
        response.headers[.retryAfter] = String(max(60, Int(window.endsAt.timeIntervalSince(now))))
        return response
    }
}
