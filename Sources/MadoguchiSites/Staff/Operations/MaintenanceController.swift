import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Registration of planned maintenance windows (F3), `system.manage`.
struct MaintenanceController {
    let operations: OperationsDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/admin/maintenance", .permission(.systemManage), use: list)
            .post("/admin/maintenance", .permission(.systemManage), use: create)
            .post("/admin/maintenance/:id/cancel", .permission(.systemManage), use: cancel)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(context, errors: [], status: .ok)
    }

    func page(_ context: AppRequestContext, errors: [String], status: HTTPResponse.Status) async throws -> Response {
        let now = clock.now()
        let model = OperationsModels.Maintenance(windows: try await operations.upcomingMaintenance().map { w in
            .init(id: w.id, startsAt: JapaneseDate.dateTime(w.startsAt), endsAt: JapaneseDate.dateTime(w.endsAt), announceDays: w.announceDays,
                  message: w.message, state: w.isActive(at: now) ? "停止中" : w.isAnnounced(at: now) ? "予告中" : "予定")
        }, errors: errors)
        return try renderer.staff("maintenance", context, title: "計画停止の登録", current: "/admin/maintenance", model, status: status)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = context.form
        do {
            try await operations.planMaintenance(startsAt: NoticesController.parseLocal(f.text("startsAt")), endsAt: NoticesController.parseLocal(f.text("endsAt")),
                                                 announceDays: Int(f.text("announceDays")) ?? -1, message: f.text("message"), caller: context.caller)
        } catch let invalid as InvalidInput {
            return try await page(context, errors: invalid.problems.map(\.message), status: .unprocessableContent)
        }
        return Responses.redirect("/admin/maintenance")
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard try await operations.cancelMaintenance(id: try context.parameters.require("id", as: Int64.self), caller: context.caller) else { throw AppError.notFound }
        return Responses.redirect("/admin/maintenance")
    }
}
