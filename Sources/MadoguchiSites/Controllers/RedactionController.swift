import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging

/// Administration of redaction regions per document kind (privacy rule): where on a form
/// layout the individual number can appear. Uploads of that kind are stored masked from then on.
struct RedactionController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/admin/redaction", .permission(.systemManage), use: list)
            .post("/admin/redaction", .permission(.systemManage), use: add)
            .post("/admin/redaction/:id/delete", .permission(.systemManage), use: remove)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(context, errors: [], status: .ok, flash: request.uri.queryParameters["done"] != nil ? "保存しました。" : nil)
    }

    func page(_ context: AppRequestContext, errors: [String], status: HTTPResponse.Status, flash: String?) async throws -> Response {
        func percent(_ v: Double) -> String { String(format: "%.1f", v * 100) }
        var values: [String: Any] = [
            "regions": try await services.documents.redactions().map { r -> [String: Any] in
                ["id": r.id, "kind": ApplicantsController.kindLabels[r.kind] ?? r.kind, "label": r.label,
                 "page": r.page == 0 ? "全ページ" : "\(r.page)ページ目", "x": percent(r.x), "y": percent(r.y),
                 "width": percent(r.width), "height": percent(r.height)]
            },
            "kinds": DocumentStore.kinds.map { ["value": $0, "label": ApplicantsController.kindLabels[$0] ?? $0] },
            "errors": errors,
        ]
        if let flash { values["flash"] = flash }
        return try services.renderer.response("redaction", StaffPage.context(context, title: "書類のマスキング", current: "/admin/users", values),
                                              status: status)
    }

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = context.form
        let kind = f.text("kind")
        let numbers = ["x", "y", "width", "height"].map { Double(f.text($0)).map { $0 / 100 } }
        let pageNumber = Int(f.text("page")) ?? -1
        guard DocumentStore.kinds.contains(kind), numbers.allSatisfy({ $0 != nil }) else {
            return try await page(context, errors: ["種類と位置（%）を数値で入力してください。"], status: .unprocessableContent, flash: nil)
        }
        let region = RedactionRegion(page: pageNumber, x: numbers[0]!, y: numbers[1]!, width: numbers[2]!, height: numbers[3]!)
        guard region.isValid else {
            return try await page(context, errors: ["範囲はページの内側に収めてください（左・上は0〜100%、幅・高さは0より大きく、はみ出さないこと）。ページは0（全ページ）以上。"],
                                  status: .unprocessableContent, flash: nil)
        }
        try await services.database.transaction { connection in
            let id = try await services.documents.addRedaction(kind: kind, label: f.text("label"), page: region.page, x: region.x, y: region.y,
                                                               width: region.width, height: region.height,
                                                               createdBy: context.identity?.userID, on: connection)
            try await services.auditLog.record(services.event(context, action: "redaction.create", recordType: "redaction_region",
                                                              recordID: String(id), detail: "kind=\(kind) page=\(pageNumber)"), on: connection)
        }
        return Responses.redirect("/admin/redaction?done=1")
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Int64.self)
        let removed = try await services.database.transaction { connection in
            let removed = try await services.documents.removeRedaction(id: id, on: connection)
            if removed {
                try await services.auditLog.record(services.event(context, action: "redaction.delete", recordType: "redaction_region",
                                                                  recordID: String(id)), on: connection)
            }
            return removed
        }
        guard removed else { throw AppError.notFound }
        return Responses.redirect("/admin/redaction?done=1")
    }
}
