import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// Locations, slot rules, extra openings and closures (A7), on one page per location. Every
/// change replans the location's slots at once, so residents see it on their next click.
struct SlotAdminController {
    let services: SiteServices

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

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(request, context: context, locationID: request.uri.queryParameters["location"].flatMap { Int64(String($0)) },
                         problems: [], status: .ok)
    }

    func render(_ request: Request, context: AppRequestContext, locationID: Int64?, problems: [FieldProblem],
                status: HTTPResponse.Status, newLocation: Bool = false) async throws -> Response {
        let locations = try await services.slots.locations()
        let wantsNew = newLocation || request.uri.queryParameters["new"] != nil
        let location = locations.first { $0.id == locationID } ?? (wantsNew ? nil : locations.first)
        let today = CalendarDate(services.clock.now())
        var values: [String: Any] = [
            "locations": locations.map { ["id": $0.id, "name": $0.name, "selected": $0.id == location?.id] },
            "errors": problems.map(\.message), "today": today.description,
            "weekdays": SlotRule.weekdayLabels.enumerated().map { ["value": $0.offset, "label": $0.element, "weekday": (1...5).contains($0.offset)] },
            "purposes": BookingPurpose.allCases.map { ["value": $0.rawValue, "label": $0.label] },
            "upcomingHolidays": OfficeCalendar.closedDays(in: today.year).filter { $0.date >= today }.prefix(8).map { "\($0.date) \($0.name)" }
                + (OfficeCalendar.closedDays(in: today.year + 1).prefix(3).map { "\($0.date) \($0.name)" }),
        ]
        if let location {
            let rules = try await services.slots.rules(locationID: location.id)
            values["location"] = ["id": location.id, "name": location.name, "address": location.address, "guidance": location.guidance,
                                  "opensDays": location.opensDays, "closesHours": location.closesHours]
            func view(_ rule: SlotRule) -> [String: Any] {
                ["id": rule.id, "purpose": rule.purpose.label, "weekdays": rule.weekdays.sorted().map { SlotRule.weekdayLabels[$0] }.joined(separator: "・"),
                 "time": "\(SlotRule.clock(rule.startMinute))〜\(SlotRule.clock(rule.endMinute))", "slotMinutes": rule.slotMinutes,
                 "web": rule.webCapacity, "staff": rule.staffCapacity,
                 "valid": "\(rule.validFrom) 〜 \(rule.validUntil?.description ?? "")", "note": rule.note]
            }
            values["rules"] = rules.filter { !$0.onClosedDays }.map(view)
            values["openings"] = rules.filter(\.onClosedDays).map(view)
            values["closures"] = try await services.slots.closures(locationID: location.id).map {
                ["id": $0.id, "from": $0.from.description, "through": $0.through.description, "reason": $0.reason]
            }
        } else {
            values["newLocation"] = true
        }
        if let flash = request.uri.queryParameters["flash"] { values["flash"] = String(flash) }
        return try services.renderer.response("slots", StaffPage.context(context, title: "予約枠の設定", current: "/admin/slots", values),
                                              status: status)
    }

    func back(_ locationID: Int64, _ flash: String) -> Response {
        Responses.redirect("/admin/slots?location=\(locationID)", flash: flash)
    }

    /// Runs a change and its audit entry in one transaction, then replans the location.
    func change(_ context: AppRequestContext, locationID: Int64, action: String, recordType: String, detail: String,
                _ body: (PostgresConnection) async throws -> Int64) async throws {
        try await services.database.transaction { connection in
            let id = try await body(connection)
            try await services.auditLog.record(services.event(context, action: action, recordType: recordType, recordID: String(id),
                                                              detail: detail), on: connection)
        }
        try await services.slots.plan(locationID: locationID, now: services.clock.now())
    }

    @Sendable func saveLocation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let id = Int64(form.text("id"))
        var problems: [FieldProblem] = []
        let name = form.text("name"), address = form.text("address"), guidance = form.text("guidance")
        if name.isEmpty || name.count > 100 { problems.append(.init(field: "name", message: "名称を100文字以内で入力してください。")) }
        if address.count > 200 { problems.append(.init(field: "address", message: "住所は200文字以内で入力してください。")) }
        if guidance.count > 1000 { problems.append(.init(field: "guidance", message: "案内文は1000文字以内で入力してください。")) }
        let opens = Int(form.text("opensDays")), closes = Int(form.text("closesHours"))
        if opens == nil || !(1...365).contains(opens!) { problems.append(.init(field: "opensDays", message: "受付開始は1〜365日前で入力してください。")) }
        if closes == nil || !(0...720).contains(closes!) { problems.append(.init(field: "closesHours", message: "受付締切は0〜720時間前で入力してください。")) }
        for (field, value) in [("name", name), ("address", address), ("guidance", guidance)] where IndividualNumber.appears(in: value) {
            problems.append(.init(field: field, message: IndividualNumber.refusalMessage))
        }
        guard problems.isEmpty, let opens, let closes else {
            return try await render(request, context: context, locationID: id, problems: problems, status: .unprocessableContent,
                                    newLocation: id == nil)
        }
        let saved: Int64
        do {
            saved = try await services.database.transaction { connection in
            let saved = try await services.slots.saveLocation(id: id, name: name, address: address, guidance: guidance, opensDays: opens,
                                                              closesHours: closes, on: connection)
            try await services.auditLog.record(services.event(context, action: id == nil ? "location.create" : "location.update",
                                                              recordType: "location", recordID: String(saved), detail: name), on: connection)
            return saved
            }
        } catch SlotError.locationNotFound {
            throw AppError.notFound
        } catch let error as SlotError {
            return try await render(request, context: context, locationID: id, problems: [.init(field: "name", message: error.description)],
                                    status: .conflict, newLocation: id == nil)
        }
        try await services.slots.plan(locationID: saved, now: services.clock.now())
        return back(saved, "窓口の設定を保存しました。")
    }

    func rule(from form: FormData, locationID: Int64, opening: Bool) -> (SlotRule?, [FieldProblem]) {
        var problems: [FieldProblem] = []
        let purpose = BookingPurpose(rawValue: form.text("purpose"))
        if purpose == nil { problems.append(.init(field: "purpose", message: "目的を選んでください。")) }
        let start = SlotRule.minute(form.text("starts")), end = SlotRule.minute(form.text("ends"))
        if start == nil || end == nil { problems.append(.init(field: "starts", message: "時刻を HH:MM で入力してください。")) }
        let from = CalendarDate(form.text(opening ? "day" : "validFrom"))
        if from == nil { problems.append(.init(field: "validFrom", message: opening ? "開庁日を入力してください。" : "適用開始日を入力してください。")) }
        let until: CalendarDate? = opening ? from : CalendarDate(form.text("validUntil"))
        if !opening, !form.text("validUntil").isEmpty, until == nil { problems.append(.init(field: "validUntil", message: "適用終了日が正しくありません。")) }
        let weekdays = opening ? Set(0...6) : Set(form.all("weekdays").compactMap { Int($0) })
        guard let purpose, let start, let end, let from, problems.isEmpty else { return (nil, problems) }
        let rule = SlotRule(locationID: locationID, purpose: purpose, weekdays: weekdays, startMinute: start, endMinute: end,
                            slotMinutes: Int(form.text("slotMinutes")) ?? 0, webCapacity: Int(form.text("webCapacity")) ?? -1,
                            staffCapacity: Int(form.text("staffCapacity")) ?? -1, validFrom: from, validUntil: until, onClosedDays: opening,
                            note: form.text("note"))
        let ruleProblems = rule.problems
        return ruleProblems.isEmpty ? (rule, []) : (nil, ruleProblems)
    }

    func add(_ request: Request, context: AppRequestContext, opening: Bool) async throws -> Response {
        guard let locationID = Int64(context.form.text("location")), try await services.slots.location(id: locationID) != nil else {
            throw AppError.notFound
        }
        let (rule, problems) = rule(from: context.form, locationID: locationID, opening: opening)
        guard let rule else { return try await render(request, context: context, locationID: locationID, problems: problems, status: .unprocessableContent) }
        let createdBy = context.identity?.userID
        try await change(context, locationID: locationID, action: opening ? "slot-rule.opening" : "slot-rule.create", recordType: "slot_rule",
                         detail: "location=\(locationID) \(rule.purpose.rawValue) \(SlotRule.clock(rule.startMinute))-\(SlotRule.clock(rule.endMinute))") { connection in
            try await services.slots.addRule(rule, createdBy: createdBy, on: connection)
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
        do {
            try await change(context, locationID: locationID, action: "slot-rule.delete", recordType: "slot_rule", detail: "location=\(locationID)") { connection in
                try await services.slots.deleteRule(id: id, locationID: locationID, on: connection)
                return id
            }
        } catch SlotError.ruleNotFound { throw AppError.notFound }
        return back(locationID, "予約枠ルールを削除しました。予約が入っている枠は「休止中」として残ります。")
    }

    @Sendable func addClosure(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let locationID = Int64(context.form.text("location")), try await services.slots.location(id: locationID) != nil else {
            throw AppError.notFound
        }
        let from = CalendarDate(context.form.text("from"))
        let through = context.form.text("through").isEmpty ? from : CalendarDate(context.form.text("through"))
        let reason = context.form.text("reason")
        var problems: [FieldProblem] = []
        if from == nil || through == nil || through! < from! { problems.append(.init(field: "from", message: "休業の期間を正しく入力してください。")) }
        if reason.count > 200 { problems.append(.init(field: "reason", message: "理由は200文字以内で入力してください。")) }
        if IndividualNumber.appears(in: reason) { problems.append(.init(field: "reason", message: IndividualNumber.refusalMessage)) }
        guard problems.isEmpty, let from, let through else {
            return try await render(request, context: context, locationID: locationID, problems: problems, status: .unprocessableContent)
        }
        let createdBy = context.identity?.userID
        try await change(context, locationID: locationID, action: "closure.create", recordType: "location_closure", detail: "\(from)..\(through)") { connection in
            try await services.slots.addClosure(locationID: locationID, from: from, through: through, reason: reason, createdBy: createdBy,
                                                on: connection)
        }
        return back(locationID, "休業日を登録しました。すでに予約がある枠は「休止中」として残ります。予約者へ連絡してください。")
    }

    @Sendable func deleteClosure(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let locationID = Int64(context.form.text("location")) else { throw AppError.notFound }
        do {
            try await change(context, locationID: locationID, action: "closure.delete", recordType: "location_closure", detail: "") { connection in
                try await services.slots.deleteClosure(id: id, locationID: locationID, on: connection)
                return id
            }
        } catch SlotError.closureNotFound { throw AppError.notFound }
        return back(locationID, "休業日を削除しました。")
    }
}
