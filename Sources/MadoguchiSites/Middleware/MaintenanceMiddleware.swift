import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// During a maintenance window (F3) the resident site answers with a maintenance page, and the
/// staff site lets only administrators (`system.manage`) work. Health checks, assets and the
/// login form stay up.
struct MaintenanceMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let services: SiteServices
    let site: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if AlwaysAvailable.contains(path) {
            return try await next(request, context)
        }
        let now = services.clock.now()
        guard let window = try await services.maintenanceSchedule.windows(now: now).first(where: { $0.isActive(at: now) }) else {
            return try await next(request, context)
        }
        if site == "staff", context.identity?.has(.systemManage) ?? false {
            return try await next(request, context)
        }
        var values = MaintenanceController.view(window)
        values["title"] = "メンテナンス中です"
        values["detail"] = "システムの計画停止中です（\(values["startsAt"]!)〜\(values["endsAt"]!)）。" + window.message
        values["reference"] = context.requestID
        values["status"] = 503
        var response = try services.renderer.response("error", values, status: .serviceUnavailable)
        response.headers[.retryAfter] = String(max(60, Int(window.endsAt.timeIntervalSince(now))))
        return response
    }
}
