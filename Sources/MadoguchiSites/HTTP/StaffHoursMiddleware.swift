import Hummingbird
import MadoguchiDomain

/// Outside the staff site's hours (F2) every page answers with a closed page (503), except the
/// health check, the assets and the login form, so that exempt administrators can still sign in.
struct StaffHoursMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let hours: StaffHours?
    let exemptAdministrators: Bool
    let clock: any TimeSource
    let renderer: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let hours, !hours.isOpen(at: clock.now()), !AlwaysAvailable.contains(request.uri.path) else { return try await next(request, context) }
        if exemptAdministrators, context.identity?.has(.systemManage) ?? false { return try await next(request, context) }
        let detail = "職員サイトの利用時間は \(hours.hoursLabel) です。"
            + (hours.closedAfterThirdSaturday ? "毎月第3土曜日の翌日" : "") + (hours.yearEndClosure ? "と12月29日〜1月3日" : "") + "は休止しています。"
        if request.uri.path.hasPrefix("/api/") {
            var response = try Responses.json(["type": "https://madoguchi.invalid/problems/closed", "title": "利用時間外です",
                                               "detail": detail, "instance": context.requestID], status: .serviceUnavailable)
            response.headers[.contentType] = "application/problem+json; charset=utf-8"
            return response
        }
        return try renderer.response("error", ErrorPage(title: "利用時間外です", detail: detail, reference: context.requestID, status: 503),
                                     status: .serviceUnavailable)
    }
}
