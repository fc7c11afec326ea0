import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Administration of masked areas per document kind (privacy rule): where on a form layout the
/// individual number can appear. Uploads of that kind are stored masked from then on.
struct RedactionController {
    let archive: ArchiveDesk
    let renderer: PageRenderer

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/admin/redaction", .permission(.systemManage), use: list)
            .post("/admin/redaction", .permission(.systemManage), use: add)
            .post("/admin/redaction/:id/delete", .permission(.systemManage), use: remove)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(context, errors: [], status: .ok, flash: request.uri.queryParameters["done"] != nil ? "保存しました。" : "")
    }

    func page(_ context: AppRequestContext, errors: [String], status: HTTPResponse.Status, flash: String = "") async throws -> Response {
        func percent(_ v: Double) -> String { String(format: "%.1f", v * 100) }
        let model = ArchiveModels.Redaction(
            regions: try await archive.redactions().map {
                .init(id: $0.id ?? 0, kind: DocumentKind.label(of: $0.kind), label: $0.label, page: $0.page == 0 ? "全ページ" : "\($0.page)ページ目",
                      x: percent($0.x), y: percent($0.y), width: percent($0.width), height: percent($0.height))
            },
            kinds: DocumentKind.allCases.map { Choice(value: $0.rawValue, label: $0.label) }, errors: errors)
        return try renderer.staff("redaction", context, title: "書類のマスキング", current: "/admin/redaction", messages: .init(flash: flash), model,
                                  status: status)
    }

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = context.form
        let numbers = ["x", "y", "width", "height"].map { Double(f.text($0)).map { $0 / 100 } }
        guard numbers.allSatisfy({ $0 != nil }) else {
            return try await page(context, errors: ["種類と位置（%）を数値で入力してください。"], status: .unprocessableContent)
        }
        let region = RedactionRegion(kind: f.text("kind"), label: f.text("label"), page: Int(f.text("page")) ?? -1, x: numbers[0]!, y: numbers[1]!,
                                     width: numbers[2]!, height: numbers[3]!)
        do {
            try await archive.addRedaction(region, caller: context.caller)
        } catch let invalid as InvalidInput {
            return try await page(context, errors: invalid.problems.map(\.message), status: .unprocessableContent)
        }
        return Responses.redirect("/admin/redaction?done=1")
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard try await archive.removeRedaction(id: try context.parameters.require("id", as: Int64.self), caller: context.caller) else { throw AppError.notFound }
        return Responses.redirect("/admin/redaction?done=1")
    }
}
