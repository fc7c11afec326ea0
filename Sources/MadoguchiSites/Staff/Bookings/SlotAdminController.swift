import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Locations, slot rules, extra openings and closures (A7), on one page per location.
struct SlotAdminController {
    let slots: SlotDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/admin/slots", .permission(.slotsManage), use: page)
            .post("/admin/slots/location", .permission(.slotsManage), use: saveLocation)
            .post("/admin/slots/rules", .permission(.slotsManage), use: addRule)
            .post("/admin/slots/openings", .permission(.slotsManage), use: addOpening)
            .post("/admin/slots/rules/:id/delete", .permission(.slotsManage), use: deleteRule)
            .post("/admin/slots/closures", .permission(.slotsManage), use: addClosure)
            .post("/admin/slots/closures/:id/delete", .permission(.slotsManage), use: deleteClosure)
    }

    struct Model: PageModel {
        struct LocationForm: PageModel {
            let id: Int64
            let name: String
            let address: String
            let guidance: String
            let opensDays: Int
            let closesHours: Int
        }

        struct RuleRow: PageModel {
            let id: Int64
            let purpose: String
            let weekdays: String
            let time: String
            let slotMinutes: Int
            let web: Int
            let staff: Int
            let valid: String
            let note: String

            init(_ rule: SlotRule) {
                id = rule.id
                purpose = rule.purpose.label
                weekdays = rule.weekdays.sorted().map { SlotRule.weekdayLabels[$0] }.joined(separator: "・")
                time = "\(SlotRule.clock(rule.startMinute))〜\(SlotRule.clock(rule.endMinute))"
                slotMinutes = rule.slotMinutes
                web = rule.webCapacity
                staff = rule.staffCapacity
                valid = "\(rule.validFrom) 〜 \(rule.validUntil?.description ?? "")"
                note = rule.note
            }
        }

        struct ClosureRow: PageModel {
            let id: Int64
            let from: String
            let through: String
            let reason: String
        }

        struct WeekdayChoice: PageModel {
            let value: Int
            let label: String
            let weekday: Bool
        }

        let locations: [BookingsModels.Place]
        let location: LocationForm?
        let newLocation: Bool
        let errors: [String]
        let today: String
        let weekdays: [WeekdayChoice]
        let purposes: [Choice]
        let upcomingHolidays: [String]
        let rules: [RuleRow]
        let openings: [RuleRow]
        let closures: [ClosureRow]
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(request, context: context, locationID: request.uri.queryParameters["location"].flatMap { Int64(String($0)) },
                         problems: [], status: .ok)
    }

    func render(_ request: Request, context: AppRequestContext, locationID: Int64?, problems: [FieldProblem],
                status: HTTPResponse.Status, newLocation: Bool = false) async throws -> Response {
        let locations = try await slots.locations()
        let wantsNew = newLocation || request.uri.queryParameters["new"] != nil
        let location = locations.first { $0.id == locationID } ?? (wantsNew ? nil : locations.first)
        let today = CalendarDate(clock.now())
        let rules = location == nil ? [] : try await slots.rules(locationID: location!.id)
        let closures = location == nil ? [] : try await slots.closures(locationID: location!.id)
        let model = Model(
            locations: locations.map { .init(id: $0.id, name: $0.name, selected: $0.id == location?.id) },
            location: location.map { .init(id: $0.id, name: $0.name, address: $0.address, guidance: $0.guidance, opensDays: $0.opensDays,
                                           closesHours: $0.closesHours) },
            newLocation: location == nil, errors: problems.map(\.message), today: today.description,
            weekdays: SlotRule.weekdayLabels.enumerated().map { .init(value: $0.offset, label: $0.element, weekday: (1...5).contains($0.offset)) },
            purposes: BookingPurpose.allCases.map { Choice(value: $0.rawValue, label: $0.label) },
            upcomingHolidays: OfficeCalendar.closedDays(in: today.year).filter { $0.date >= today }.prefix(8).map { "\($0.date) \($0.name)" }
                + OfficeCalendar.closedDays(in: today.year + 1).prefix(3).map { "\($0.date) \($0.name)" },
            rules: rules.filter { !$0.onClosedDays }.map(Model.RuleRow.init), openings: rules.filter(\.onClosedDays).map(Model.RuleRow.init),
            closures: closures.map { .init(id: $0.id, from: $0.from.description, through: $0.through.description, reason: $0.reason) })
        return try renderer.staff("slots", context, title: "予約枠の設定", current: "/admin/slots", messages: PageMessages(request), model, status: status)
    }

    func back(_ locationID: Int64, _ flash: String) -> Response {
        Responses.redirect("/admin/slots?location=\(locationID)", flash: flash)
    }

    @Sendable func saveLocation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let id = Int64(form.text("id"))
        let settings = LocationSettings(name: form.text("name"), address: form.text("address"), guidance: form.text("guidance"),
                                        opensDays: Int(form.text("opensDays")) ?? -1, closesHours: Int(form.text("closesHours")) ?? -1)
        do {
            let saved = try await slots.saveLocation(id: id, settings, caller: context.caller)
            return back(saved, "窓口の設定を保存しました。")
        } catch let invalid as InvalidInput {
            return try await render(request, context: context, locationID: id, problems: invalid.problems, status: .unprocessableContent,
                                    newLocation: id == nil)
        } catch SlotError.duplicateName {
            return try await render(request, context: context, locationID: id, problems: [.init(field: "name", message: SlotError.duplicateName.description)],
                                    status: .conflict, newLocation: id == nil)
        }
    }

    /// The rule the form describes (a weekly rule, or an extra opening for one day), or what is wrong with it.
    func rule(from form: FormData, locationID: Int64, opening: Bool) -> Result<SlotRule, InvalidInput> {
        var problems: [FieldProblem] = []
        let purpose = BookingPurpose(rawValue: form.text("purpose"))
        if purpose == nil { problems.append(.init(field: "purpose", message: "目的を選んでください。")) }
        let start = SlotRule.minute(form.text("starts")), end = SlotRule.minute(form.text("ends"))
        if start == nil || end == nil { problems.append(.init(field: "starts", message: "時刻を HH:MM で入力してください。")) }
        let from = CalendarDate(form.text(opening ? "day" : "validFrom"))
        if from == nil { problems.append(.init(field: "validFrom", message: opening ? "開庁日を入力してください。" : "適用開始日を入力してください。")) }
        let until: CalendarDate? = opening ? from : CalendarDate(form.text("validUntil"))
        if !opening, !form.text("validUntil").isEmpty, until == nil { problems.append(.init(field: "validUntil", message: "適用終了日が正しくありません。")) }
        guard let purpose, let start, let end, let from, problems.isEmpty else { return .failure(InvalidInput(problems)) }
        return .success(SlotRule(locationID: locationID, purpose: purpose, weekdays: opening ? Set(0...6) : Set(form.all("weekdays").compactMap { Int($0) }),
                                 startMinute: start, endMinute: end, slotMinutes: Int(form.text("slotMinutes")) ?? 0,
                                 webCapacity: Int(form.text("webCapacity")) ?? -1, staffCapacity: Int(form.text("staffCapacity")) ?? -1,
                                 validFrom: from, validUntil: until, onClosedDays: opening, note: form.text("note")))
    }

    func add(_ request: Request, context: AppRequestContext, opening: Bool) async throws -> Response {
        guard let locationID = Int64(context.form.text("location")), try await slots.location(id: locationID) != nil else { throw AppError.notFound }
        do {
            _ = try await slots.addRule(try rule(from: context.form, locationID: locationID, opening: opening).get(), caller: context.caller)
        } catch let invalid as InvalidInput {
            return try await render(request, context: context, locationID: locationID, problems: invalid.problems, status: .unprocessableContent)
        }
        return back(locationID, opening ? "臨時開庁を登録しました。" : "予約枠ルールを追加しました。")
    }

    @Sendable func addRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await add(request, context: context, opening: false)
    }

    @Sendable func addOpening(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await add(request, context: context, opening: true)
    }

    @Sendable func deleteRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let locationID = Int64(context.form.text("location")) else { throw AppError.notFound }
        try await slots.deleteRule(id: id, locationID: locationID, caller: context.caller)
        return back(locationID, "予約枠ルールを削除しました。予約が入っている枠は「休止中」として残ります。")
    }

    @Sendable func addClosure(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let locationID = Int64(context.form.text("location")), try await slots.location(id: locationID) != nil else { throw AppError.notFound }
        let from = CalendarDate(context.form.text("from"))
        let through = context.form.text("through").isEmpty ? from : CalendarDate(context.form.text("through"))
        do {
            _ = try await slots.addClosure(locationID: locationID, from: from, through: through, reason: context.form.text("reason"), caller: context.caller)
        } catch let invalid as InvalidInput {
            return try await render(request, context: context, locationID: locationID, problems: invalid.problems, status: .unprocessableContent)
        }
        return back(locationID, "休業日を登録しました。すでに予約がある枠は「休止中」として残ります。予約者へ連絡してください。")
    }

    @Sendable func deleteClosure(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let locationID = Int64(context.form.text("location")) else { throw AppError.notFound }
        try await slots.deleteClosure(id: id, locationID: locationID, caller: context.caller)
        return back(locationID, "休業日を削除しました。")
    }
}
