import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The staff API for locations, their slot rules and closures, and slots (A7): the same desk and
/// the same checks as the slot editor page.
struct SlotApiController {
    let slots: SlotDesk
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/api/v1/locations", .permission(.bookingView), use: locations)
            .post("/api/v1/locations", .permission(.slotsManage), use: createLocation)
            .get("/api/v1/locations/:id/slot-rules", .permission(.bookingView), use: rules)
            .post("/api/v1/locations/:id/slot-rules", .permission(.slotsManage), use: addRule)
            .delete("/api/v1/locations/:id/slot-rules/:rule", .permission(.slotsManage), use: deleteRule)
            .get("/api/v1/locations/:id/closures", .permission(.bookingView), use: closures)
            .post("/api/v1/locations/:id/closures", .permission(.slotsManage), use: addClosure)
            .delete("/api/v1/locations/:id/closures/:closure", .permission(.slotsManage), use: deleteClosure)
            .get("/api/v1/slots", .permission(.bookingView), use: list)
            .post("/api/v1/slots/:id/capacity", .permission(.slotsManage), use: capacity)
    }

    func locationID(_ context: AppRequestContext) async throws -> Int64 {
        guard let id = Int64(context.parameters.get("id") ?? ""), try await slots.location(id: id) != nil else { throw AppError.notFound }
        return id
    }

    struct LocationBody: Decodable {
        let name: String
        let address: String?
        let guidance: String?
        let bookingOpensDaysAhead: Int?
        let bookingClosesHoursBefore: Int?
    }

    @Sendable func locations(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Responses.json(try await slots.locations().map(PublicApiController.LocationView.init))
    }

    @Sendable func createLocation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Responses.decode(LocationBody.self, from: request)
        let id = try await slots.saveLocation(id: nil, LocationSettings(name: body.name, address: body.address ?? "", guidance: body.guidance ?? "",
                                                                        opensDays: body.bookingOpensDaysAhead ?? 60,
                                                                        closesHours: body.bookingClosesHoursBefore ?? 24), caller: context.caller)
        guard let location = try await slots.location(id: id) else { throw AppError.notFound }
        return try Responses.json(PublicApiController.LocationView(location), status: .created)
    }

    struct RuleView: Codable {
        let id: Int64?
        let purpose: String
        let weekdays: [Int]
        let start: String
        let end: String
        let slotMinutes: Int
        let webCapacity: Int
        let staffCapacity: Int
        let validFrom: String?
        let validUntil: String?
        let onClosedDays: Bool?
        let note: String?

        init(_ rule: SlotRule) {
            id = rule.id
            purpose = rule.purpose.rawValue
            weekdays = rule.weekdays.sorted()
            start = SlotRule.clock(rule.startMinute)
            end = SlotRule.clock(rule.endMinute)
            slotMinutes = rule.slotMinutes
            webCapacity = rule.webCapacity
            staffCapacity = rule.staffCapacity
            validFrom = rule.validFrom.description
            validUntil = rule.validUntil?.description
            onClosedDays = rule.onClosedDays
            note = rule.note
        }
    }

    @Sendable func rules(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Responses.json(try await slots.rules(locationID: try await locationID(context)).map(RuleView.init))
    }

    @Sendable func addRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let location = try await locationID(context)
        let body = try await Responses.decode(RuleView.self, from: request)
        var problems: [FieldProblem] = []
        let purpose = BookingPurpose(rawValue: body.purpose)
        if purpose == nil { problems.append(.init(field: "purpose", message: "purpose は application か pickup です。")) }
        let start = SlotRule.minute(body.start), end = SlotRule.minute(body.end)
        if start == nil { problems.append(.init(field: "start", message: "start は HH:MM です。")) }
        if end == nil { problems.append(.init(field: "end", message: "end は HH:MM です。")) }
        let from = body.validFrom.map(CalendarDate.init) ?? CalendarDate(clock.now())
        if from == nil { problems.append(.init(field: "validFrom", message: "validFrom は YYYY-MM-DD です。")) }
        let until = body.validUntil.flatMap(CalendarDate.init)
        if body.validUntil != nil, until == nil { problems.append(.init(field: "validUntil", message: "validUntil は YYYY-MM-DD です。")) }
        guard problems.isEmpty, let purpose, let start, let end, let from else { throw InvalidInput(problems) }
        let rule = SlotRule(locationID: location, purpose: purpose, weekdays: Set(body.weekdays), startMinute: start, endMinute: end,
                            slotMinutes: body.slotMinutes, webCapacity: body.webCapacity, staffCapacity: body.staffCapacity, validFrom: from,
                            validUntil: body.onClosedDays == true ? (until ?? from) : until, onClosedDays: body.onClosedDays ?? false,
                            note: body.note ?? "")
        return try Responses.json(RuleView(try await slots.addRule(rule, caller: context.caller)), status: .created)
    }

    @Sendable func deleteRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let location = try await locationID(context)
        guard let id = Int64(context.parameters.get("rule") ?? "") else { throw AppError.notFound }
        try await slots.deleteRule(id: id, locationID: location, caller: context.caller)
        return Response(status: .noContent)
    }

    struct ClosureView: Codable {
        let id: Int64?
        let from: String
        let to: String?
        let reason: String?
    }

    @Sendable func closures(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Responses.json(try await slots.closures(locationID: try await locationID(context)).map {
            ClosureView(id: $0.id, from: $0.from.description, to: $0.through.description, reason: $0.reason)
        })
    }

    @Sendable func addClosure(_ request: Request, context: AppRequestContext) async throws -> Response {
        let location = try await locationID(context)
        let body = try await Responses.decode(ClosureView.self, from: request)
        let from = CalendarDate(body.from)
        let through = body.to.map { CalendarDate($0) } ?? from
        let closure = try await slots.addClosure(locationID: location, from: from, through: through, reason: body.reason ?? "", caller: context.caller)
        return try Responses.json(ClosureView(id: closure.id, from: closure.from.description, to: closure.through.description, reason: closure.reason),
                                  status: .created)
    }

    @Sendable func deleteClosure(_ request: Request, context: AppRequestContext) async throws -> Response {
        let location = try await locationID(context)
        guard let id = Int64(context.parameters.get("closure") ?? "") else { throw AppError.notFound }
        try await slots.deleteClosure(id: id, locationID: location, caller: context.caller)
        return Response(status: .noContent)
    }

    struct SlotView: Encodable {
        let id: Int64
        let location: Int64
        let purpose: String
        let date: String
        let start: Date
        let end: Date
        let webCapacity: Int
        let webBooked: Int
        let staffCapacity: Int
        let staffBooked: Int
        let capacityOverridden: Bool
        let withdrawn: Bool

        init(_ s: Slot) {
            id = s.id
            location = s.locationID
            purpose = s.purpose.rawValue
            date = s.day.description
            start = s.startsAt
            end = s.endsAt
            webCapacity = s.webCapacity
            webBooked = s.webBooked
            staffCapacity = s.staffCapacity
            staffBooked = s.staffBooked
            capacityOverridden = s.capacityOverridden
            withdrawn = s.withdrawn
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let location = query["location"].flatMap({ Int64(String($0)) }), try await slots.location(id: location) != nil else {
            throw AppError.invalidInput([.init(field: "location", message: "location は窓口の id です。")])
        }
        let today = CalendarDate(clock.now())
        let from = query["from"].flatMap { CalendarDate(String($0)) } ?? query["date"].flatMap { CalendarDate(String($0)) } ?? today
        let through = query["to"].flatMap { CalendarDate(String($0)) } ?? query["date"].flatMap { CalendarDate(String($0)) } ?? from
        guard through >= from, through <= from.adding(days: 92)! else {
            throw AppError.invalidInput([.init(field: "to", message: "期間は from から92日以内です。")])
        }
        let purpose = query["purpose"].flatMap { BookingPurpose(rawValue: String($0)) }
        return try Responses.json(try await slots.slots(locationID: location, purpose: purpose, from: from, through: through).map(SlotView.init))
    }

    struct CapacityBody: Decodable {
        let webCapacity: Int
        let staffCapacity: Int
    }

    @Sendable func capacity(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? "") else { throw AppError.notFound }
        let body = try await Responses.decode(CapacityBody.self, from: request)
        return try Responses.json(SlotView(try await slots.setCapacity(slotID: id, web: body.webCapacity, staff: body.staffCapacity, caller: context.caller)))
    }
}
