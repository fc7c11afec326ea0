import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// Storage places (C9): cabinets, drawers and slots with their fill, a new cabinet in one form,
/// a slot's capacity, and the cards in one slot (the ledger list filtered by place).
struct StoragePlacesController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/ledger/places", .permission(.ledgerView), use: page)
            .post("/ledger/places", .permission(.ledgerWrite), use: create)
            .post("/ledger/places/:id/capacity", .permission(.ledgerWrite), use: capacity)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(request, context: context, values: [:])
    }

    func render(_ request: Request, context: AppRequestContext, values: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let query = request.uri.queryParameters
        var values = values
        let cabinets = try await services.storage.cabinets()
        let selected = query["cabinet"].flatMap { Int64(String($0)) } ?? cabinets.first?.id
        let slots = selected == nil ? [] : try await services.storage.slots(cabinetID: selected)
        values["cabinets"] = cabinets.map { c -> [String: Any] in
            ["id": c.id, "code": c.code, "name": c.name, "location": c.locationName ?? "", "drawers": c.drawers, "slots": c.slots,
             "capacity": c.capacity, "used": c.used, "free": c.capacity - c.used, "current": c.id == selected]
        }
        values["slots"] = slots.map { s -> [String: Any] in
            ["id": s.id, "code": s.code, "capacity": s.capacity, "used": s.used, "full": s.isFull,
             "percent": s.capacity == 0 ? 0 : s.used * 100 / s.capacity]
        }
        values["locations"] = try await services.slots.locations().map { ["id": $0.id, "name": $0.name] }
        values["canWrite"] = context.identity?.has(.ledgerWrite) ?? false
        if let flash = query["flash"] { values["flash"] = String(flash) }
        if let error = query["error"] { values["error"] = String(error) }
        return try services.renderer.response("ledger-places", StaffPage.context(context, title: "保管場所", current: "/ledger", values), status: status)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let code = form.text("code")
        do {
            let id = try await services.database.transaction { connection in
                let id = try await services.storage.createCabinet(
                    code: code, name: form.text("name"), locationID: Int64(form.text("location")), drawers: Int(form.text("drawers")) ?? 0,
                    slotsPerDrawer: Int(form.text("slots")) ?? 0, capacity: Int(form.text("capacity")) ?? 0, on: connection)
                try await services.auditLog.record(services.event(context, action: "storage.create", recordType: "storage_cabinet", recordID: code.uppercased(),
                                                                  detail: "drawers=\(form.text("drawers")) slots=\(form.text("slots")) capacity=\(form.text("capacity"))"),
                                                   on: connection)
                return id
            }
            return Responses.redirect("/ledger/places?cabinet=\(id)", flash: "棚 \(code.uppercased()) を追加しました。")
        } catch let invalid as InvalidInput {
            return Responses.redirect("/ledger/places", error: invalid.problems.map(\.message).joined(separator: " "))
        }
    }

    @Sendable func capacity(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let capacity = Int(context.form.text("capacity")) else { throw AppError.badRequest("capacity") }
        do {
            try await services.database.transaction { connection in
                try await services.storage.setCapacity(slotID: id, capacity: capacity, on: connection)
                try await services.auditLog.record(services.event(context, action: "storage.capacity", recordType: "storage_slot", recordID: String(id),
                                                                  detail: "capacity=\(capacity)"), on: connection)
            }
        } catch let invalid as InvalidInput {
            return Responses.redirect("/ledger/places", error: invalid.problems.map(\.message).joined(separator: " "))
        }
        return Responses.redirect("/ledger/places", flash: "容量を変更しました。")
    }
}
