import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// Registration of planned maintenance windows (F3), `system.manage`.
struct MaintenanceController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/admin/maintenance", .permission(.systemManage), use: list)
            .post("/admin/maintenance", .permission(.systemManage), use: create)
            .post("/admin/maintenance/:id/cancel", .permission(.systemManage), use: cancel)
    }

    static func view(_ w: MaintenanceWindow) -> [String: Any] {
        ["id": w.id, "startsAt": JapaneseDate.dateTime(w.startsAt), "endsAt": JapaneseDate.dateTime(w.endsAt),
         "announceDays": w.announceDays, "message": w.message]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(context, errors: [], status: .ok)
    }

    func page(_ context: AppRequestContext, errors: [String], status: HTTPResponse.Status) async throws -> Response {
        let now = services.clock.now()
        return try services.renderer.response("maintenance", StaffPage.context(context, title: "計画停止の登録", current: "/admin/maintenance", [
            "windows": try await services.maintenance.upcoming(now: now).map { w -> [String: Any] in
                var v = Self.view(w)
                v["state"] = w.isActive(at: now) ? "停止中" : w.isAnnounced(at: now) ? "予告中" : "予定"
                return v
            },
            "errors": errors,
        ]), status: status)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = context.form
        let start = NoticesController.parseLocal(f.text("starts_at")), end = NoticesController.parseLocal(f.text("ends_at"))
        let days = Int(f.text("announce_days")) ?? -1
        var errors: [String] = []
        if start == nil || end == nil { errors.append("開始・終了日時を入力してください。") }
        if let start, let end, end <= start { errors.append("終了は開始より後にしてください。") }
        if let end, end <= services.clock.now() { errors.append("終了が過去の日時です。") }
        if !(0...60).contains(days) { errors.append("予告日数は0〜60日で入力してください。") }
        if f.text("message").count > 1000 || IndividualNumber.appears(in: f.text("message")) { errors.append("お知らせ文を確認してください。") }
        guard errors.isEmpty, let start, let end else { return try await page(context, errors: errors, status: .unprocessableContent) }
        try await services.database.transaction { connection in
            let id = try await services.maintenance.create(startsAt: start, endsAt: end, announceDays: days, message: f.text("message"),
                                                           createdBy: context.identity?.userID, on: connection)
            try await services.auditLog.record(services.event(context, action: "maintenance.create", recordType: "maintenance_window",
                                                              recordID: String(id)), on: connection)
        }
        services.maintenanceSchedule.invalidate()
        return Responses.redirect("/admin/maintenance")
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Int64.self)
        try await services.database.transaction { connection in
            guard try await services.maintenance.cancel(id: id, now: services.clock.now(), on: connection) else { throw AppError.notFound }
            try await services.auditLog.record(services.event(context, action: "maintenance.cancel", recordType: "maintenance_window",
                                                              recordID: String(id)), on: connection)
        }
        services.maintenanceSchedule.invalidate()
        return Responses.redirect("/admin/maintenance")
    }
}
