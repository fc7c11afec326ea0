import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Administration of notices (E4); the staff home and the resident site show the current ones.
struct NoticesController {
    let operations: OperationsDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/admin/notices", .permission(.noticesManage), use: list)
            .post("/admin/notices", .permission(.noticesManage), use: create)
            .post("/admin/notices/:id/expire", .permission(.noticesManage), use: expire)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(context, errors: [], status: .ok)
    }

    func page(_ context: AppRequestContext, errors: [String], status: HTTPResponse.Status) async throws -> Response {
        let now = clock.now()
        let model = OperationsModels.Notices(notices: try await operations.allNotices().map { .init($0, now: now) }, errors: errors,
                                             now: Self.localInput(now))
        return try renderer.staff("notices", context, title: "お知らせの管理", current: "/admin/notices", model, status: status)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = context.form
        var errors: [String] = []
        let publishAt = f.text("publishAt").isEmpty ? nil : Self.parseLocal(f.text("publishAt"))
        let expireAt = f.text("expireAt").isEmpty ? nil : Self.parseLocal(f.text("expireAt"))
        if !f.text("publishAt").isEmpty, publishAt == nil { errors.append("掲載開始日時が正しくありません。") }
        if !f.text("expireAt").isEmpty, expireAt == nil { errors.append("掲載終了日時が正しくありません。") }
        do {
            guard errors.isEmpty else { throw InvalidInput([]) }
            try await operations.publish(audience: f.text("audience"), priority: f.text("priority"), title: f.text("title"), body: f.text("body"),
                                         publishAt: publishAt, expireAt: expireAt, caller: context.caller)
        } catch let invalid as InvalidInput {
            return try await page(context, errors: invalid.problems.map(\.message) + errors, status: .unprocessableContent)
        }
        return Responses.redirect("/admin/notices")
    }

    @Sendable func expire(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard try await operations.expireNotice(id: try context.parameters.require("id", as: Int64.self), caller: context.caller) else { throw AppError.notFound }
        return Responses.redirect("/admin/notices")
    }

    /// `datetime-local` values are Tokyo wall-clock time.
    static func parseLocal(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 2, let day = CalendarDate(String(parts[0])) else { return nil }
        let hm = parts[1].split(separator: ":").compactMap { Int($0) }
        guard hm.count >= 2, (0..<24).contains(hm[0]), (0..<60).contains(hm[1]) else { return nil }
        return JapaneseDate.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hm[0], minute: hm[1]))
    }

    static func localInput(_ date: Date) -> String {
        JapaneseDate.dateTime(date).replacingOccurrences(of: " ", with: "T")
    }
}
