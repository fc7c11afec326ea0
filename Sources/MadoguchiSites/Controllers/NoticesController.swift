import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// Administration of notices (E4); the staff home and the resident site show the current ones.
struct NoticesController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/admin/notices", .permission(.noticesManage), use: list)
            .post("/admin/notices", .permission(.noticesManage), use: create)
            .post("/admin/notices/:id/expire", .permission(.noticesManage), use: expire)
    }

    static let audienceLabels = ["staff": "職員向け", "resident": "住民向け"]
    static let priorityLabels = ["urgent": "緊急", "important": "重要", "normal": "通常"]

    /// A notice as the templates show it; the body keeps its line breaks through CSS.
    static func view(_ n: Notice) -> [String: Any] {
        ["id": n.id, "title": n.title, "body": n.body, "priority": n.priority, "priorityLabel": priorityLabels[n.priority] ?? n.priority,
         "audience": audienceLabels[n.audience] ?? n.audience, "publishAt": JapaneseDate.dateTime(n.publishAt),
         "expireAt": n.expireAt.map(JapaneseDate.dateTime) ?? "—"]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(context, errors: [], status: .ok)
    }

    func page(_ context: AppRequestContext, errors: [String], status: HTTPResponse.Status) async throws -> Response {
        let now = services.clock.now()
        let notices = try await services.notices.all()
        return try services.renderer.response("notices", StaffPage.context(context, title: "お知らせの管理", current: "/admin/notices", [
            "notices": notices.map { n -> [String: Any] in
                var v = Self.view(n)
                v["active"] = n.publishAt <= now && (n.expireAt.map { $0 > now } ?? true)
                v["expirable"] = n.expireAt.map { $0 > now } ?? true
                return v
            },
            "errors": errors,
            "now": Self.localInput(now),
        ]), status: status)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = context.form
        var errors: [String] = []
        let audience = f.text("audience"), priority = f.text("priority"), title = f.text("title"), body = f.text("body")
        if !NoticeStore.audiences.contains(audience) { errors.append("対象を選んでください。") }
        if !NoticeStore.priorities.contains(priority) { errors.append("重要度を選んでください。") }
        if title.isEmpty || title.count > 200 { errors.append("件名を200文字以内で入力してください。") }
        if body.count > 4000 { errors.append("本文は4000文字以内で入力してください。") }
        if IndividualNumber.appears(in: title + "\n" + body) { errors.append(IndividualNumber.refusalMessage) }
        let publishAt = f.text("publish_at").isEmpty ? services.clock.now() : Self.parseLocal(f.text("publish_at"))
        let expireAt = f.text("expire_at").isEmpty ? nil : Self.parseLocal(f.text("expire_at"))
        if publishAt == nil { errors.append("掲載開始日時が正しくありません。") }
        if !f.text("expire_at").isEmpty, expireAt == nil { errors.append("掲載終了日時が正しくありません。") }
        if let publishAt, let expireAt, expireAt <= publishAt { errors.append("掲載終了は掲載開始より後にしてください。") }
        guard errors.isEmpty, let publishAt else { return try await page(context, errors: errors, status: .unprocessableContent) }
        try await services.database.transaction { connection in
            let id = try await services.notices.create(
                .init(id: 0, audience: audience, priority: priority, title: title, body: body, publishAt: publishAt, expireAt: expireAt),
                createdBy: context.identity?.userID, on: connection)
            try await services.auditLog.record(services.event(context, action: "notice.create", recordType: "notice", recordID: String(id),
                                                              detail: "\(audience) \(priority)"), on: connection)
        }
        return Responses.redirect("/admin/notices")
    }

    @Sendable func expire(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Int64.self)
        try await services.database.transaction { connection in
            guard try await services.notices.expire(id: id, now: services.clock.now(), on: connection) else { throw AppError.notFound }
            try await services.auditLog.record(services.event(context, action: "notice.expire", recordType: "notice", recordID: String(id)),
                                               on: connection)
        }
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
