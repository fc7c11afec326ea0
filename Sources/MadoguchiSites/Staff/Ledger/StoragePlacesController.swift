import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Storage places (C9): cabinets, drawers and slots with their fill, a new cabinet in one form,
/// a slot's capacity, and the cards in one slot (the ledger list filtered by place).
struct StoragePlacesController {
    let ledger: LedgerDesk
    let slots: SlotDesk
    let renderer: PageRenderer

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/ledger/places", .permission(.ledgerView), use: page)
            .post("/ledger/places", .permission(.ledgerWrite), use: create)
            .post("/ledger/places/:id/capacity", .permission(.ledgerWrite), use: capacity)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let cabinets = try await ledger.cabinets()
        let selected = request.uri.queryParameters["cabinet"].flatMap { Int64(String($0)) } ?? cabinets.first?.id
        let places = selected == nil ? [] : try await ledger.places(cabinetID: selected)
        let model = LedgerModels.Places(
            cabinets: cabinets.map { .init(id: $0.id, code: $0.code, name: $0.name, location: $0.locationName ?? "", drawers: $0.drawers, slots: $0.slots,
                                           capacity: $0.capacity, used: $0.used, free: $0.capacity - $0.used, current: $0.id == selected) },
            slots: places.map { .init(id: $0.id, code: $0.code, capacity: $0.capacity, used: $0.used, full: $0.isFull,
                                      percent: $0.capacity == 0 ? 0 : min(100, $0.used * 100 / $0.capacity)) },
            locations: try await slots.locations().map { .init(id: $0.id, name: $0.name) }, canWrite: context.caller.has(.ledgerWrite))
        return try renderer.staff("ledger-places", context, title: "保管場所", current: "/ledger", messages: PageMessages(request), model)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let code = form.text("code")
        do {
            let id = try await ledger.createCabinet(code: code, name: form.text("name"), locationID: Int64(form.text("location")),
                                                    drawers: Int(form.text("drawers")) ?? 0, slotsPerDrawer: Int(form.text("slots")) ?? 0,
                                                    capacity: Int(form.text("capacity")) ?? 0, caller: context.caller)
            return Responses.redirect("/ledger/places?cabinet=\(id)", flash: "棚 \(code.uppercased()) を追加しました。")
        } catch let invalid as InvalidInput {
            return Responses.redirect("/ledger/places", error: invalid.problems.map(\.message).joined(separator: " "))
        }
    }

    @Sendable func capacity(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let capacity = Int(context.form.text("capacity")) else { throw AppError.badRequest("capacity") }
        do {
            try await ledger.setPlaceCapacity(slotID: id, capacity: capacity, caller: context.caller)
        } catch let invalid as InvalidInput {
            return Responses.redirect("/ledger/places", error: invalid.problems.map(\.message).joined(separator: " "))
        }
        return Responses.redirect("/ledger/places", flash: "容量を変更しました。")
    }
}
