import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// The staff booking API (`/api/v1`, staff site, bearer token or session): locations and their
/// slot rules and closures, slots, bookings, check-in. The same rules as the pages (BookingDesk).
struct BookingApiController {
    let services: SiteServices
    var desk: BookingDesk { BookingDesk(services: services) }

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
            .get("/api/v1/slots", .permission(.bookingView), use: slots)
            .post("/api/v1/slots/:id/capacity", .permission(.slotsManage), use: capacity)
            .get("/api/v1/bookings", .permission(.bookingView), use: list)
            .post("/api/v1/bookings", .permission(.bookingWrite), use: create)
            .get("/api/v1/bookings/:code", .permission(.bookingView), use: show)
            .post("/api/v1/bookings/:code/check-in", .permission(.bookingWrite), use: checkIn)
            .post("/api/v1/bookings/:code/cancel", .permission(.bookingWrite), use: cancel)
            .post("/api/v1/bookings/:code/move", .permission(.bookingWrite), use: move)
            .post("/api/v1/bookings/no-shows", .permission(.bookingWrite), use: noShows)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try await PublicApiController.decode(type, from: request)
    }

    func locationID(_ context: AppRequestContext) async throws -> Int64 {
        guard let id = Int64(context.parameters.get("id") ?? ""), try await services.slots.location(id: id) != nil else { throw AppError.notFound }
        return id
    }

    static func invalid(_ problems: [FieldProblem]) -> AppError {
        .invalidInput(problems.map { .init(field: $0.field, message: $0.message) })
    }

    // MARK: locations and rules

    struct LocationBody: Decodable {
        let name: String
        let address: String?
        let guidance: String?
        let bookingOpensDaysAhead: Int?
        let bookingClosesHoursBefore: Int?
    }

    @Sendable func locations(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Responses.json(try await services.slots.locations().map(PublicApiController.LocationView.init))
    }

    @Sendable func createLocation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Self.decode(LocationBody.self, request)
        let name = body.name.trimmingCharacters(in: .whitespaces)
        let opens = body.bookingOpensDaysAhead ?? 60, closes = body.bookingClosesHoursBefore ?? 24
        var problems: [FieldProblem] = []
        if name.isEmpty || name.count > 100 { problems.append(.init(field: "name", message: "名称は1〜100文字です。")) }
        if !(1...365).contains(opens) { problems.append(.init(field: "bookingOpensDaysAhead", message: "1〜365 日です。")) }
        if !(0...720).contains(closes) { problems.append(.init(field: "bookingClosesHoursBefore", message: "0〜720 時間です。")) }
        guard problems.isEmpty else { throw Self.invalid(problems) }
        let id: Int64
        do {
            id = try await services.database.transaction { connection in
            let id = try await services.slots.saveLocation(id: nil, name: name, address: body.address ?? "", guidance: body.guidance ?? "",
                                                           opensDays: opens, closesHours: closes, on: connection)
            try await services.auditLog.record(services.event(context, action: "location.create", recordType: "location", recordID: String(id),
                                                              detail: name), on: connection)
            return id
            }
        } catch let error as SlotError {
            throw AppError.refused(status: .conflict, slug: "duplicate-location", message: error.description)
        }
        guard let location = try await services.slots.location(id: id) else { throw AppError.notFound }
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
        try Responses.json(try await services.slots.rules(locationID: try await locationID(context)).map(RuleView.init))
    }

    @Sendable func addRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let location = try await locationID(context)
        let body = try await Self.decode(RuleView.self, request)
        var problems: [FieldProblem] = []
        let purpose = BookingPurpose(rawValue: body.purpose)
        if purpose == nil { problems.append(.init(field: "purpose", message: "purpose は application か pickup です。")) }
        let start = SlotRule.minute(body.start), end = SlotRule.minute(body.end)
        if start == nil { problems.append(.init(field: "start", message: "start は HH:MM です。")) }
        if end == nil { problems.append(.init(field: "end", message: "end は HH:MM です。")) }
        let from = body.validFrom.map(CalendarDate.init) ?? CalendarDate(services.clock.now())
        if from == nil { problems.append(.init(field: "validFrom", message: "validFrom は YYYY-MM-DD です。")) }
        let until = body.validUntil.flatMap(CalendarDate.init)
        if body.validUntil != nil, until == nil { problems.append(.init(field: "validUntil", message: "validUntil は YYYY-MM-DD です。")) }
        guard problems.isEmpty, let purpose, let start, let end, let from else { throw Self.invalid(problems) }
        let rule = SlotRule(locationID: location, purpose: purpose, weekdays: Set(body.weekdays), startMinute: start, endMinute: end,
                            slotMinutes: body.slotMinutes, webCapacity: body.webCapacity, staffCapacity: body.staffCapacity, validFrom: from,
                            validUntil: body.onClosedDays == true ? (until ?? from) : until, onClosedDays: body.onClosedDays ?? false,
                            note: body.note ?? "")
        guard rule.problems.isEmpty else { throw Self.invalid(rule.problems) }
        let id = try await services.database.transaction { connection in
            let id = try await services.slots.addRule(rule, createdBy: context.identity?.userID, on: connection)
            try await services.auditLog.record(services.event(context, action: "slot-rule.create", recordType: "slot_rule", recordID: String(id),
                                                              detail: "location=\(location)"), on: connection)
            return id
        }
        try await services.slots.plan(locationID: location, now: services.clock.now())
        var saved = rule
        saved.id = id
        return try Responses.json(RuleView(saved), status: .created)
    }

    @Sendable func deleteRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let location = try await locationID(context)
        guard let id = Int64(context.parameters.get("rule") ?? "") else { throw AppError.notFound }
        do {
            try await services.database.transaction { connection in
                try await services.slots.deleteRule(id: id, locationID: location, on: connection)
                try await services.auditLog.record(services.event(context, action: "slot-rule.delete", recordType: "slot_rule", recordID: String(id)),
                                                   on: connection)
            }
        } catch SlotError.ruleNotFound { throw AppError.notFound }
        try await services.slots.plan(locationID: location, now: services.clock.now())
        return Response(status: .noContent)
    }

    struct ClosureView: Codable {
        let id: Int64?
        let from: String
        let to: String?
        let reason: String?
    }

    @Sendable func closures(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Responses.json(try await services.slots.closures(locationID: try await locationID(context)).map {
            ClosureView(id: $0.id, from: $0.from.description, to: $0.through.description, reason: $0.reason)
        })
    }

    @Sendable func addClosure(_ request: Request, context: AppRequestContext) async throws -> Response {
        let location = try await locationID(context)
        let body = try await Self.decode(ClosureView.self, request)
        guard let from = CalendarDate(body.from), let through = body.to.map(CalendarDate.init) ?? from, through >= from,
              (body.reason ?? "").count <= 200, !IndividualNumber.appears(in: body.reason ?? "") else {
            throw Self.invalid([.init(field: "from", message: "from / to は YYYY-MM-DD で from ≦ to、reason は200文字以内です。")])
        }
        let id = try await services.database.transaction { connection in
            let id = try await services.slots.addClosure(locationID: location, from: from, through: through, reason: body.reason ?? "",
                                                         createdBy: context.identity?.userID, on: connection)
            try await services.auditLog.record(services.event(context, action: "closure.create", recordType: "location_closure",
                                                              recordID: String(id), detail: "\(from)..\(through)"), on: connection)
            return id
        }
        try await services.slots.plan(locationID: location, now: services.clock.now())
        return try Responses.json(ClosureView(id: id, from: from.description, to: through.description, reason: body.reason ?? ""), status: .created)
    }

    @Sendable func deleteClosure(_ request: Request, context: AppRequestContext) async throws -> Response {
        let location = try await locationID(context)
        guard let id = Int64(context.parameters.get("closure") ?? "") else { throw AppError.notFound }
        do {
            try await services.database.transaction { connection in
                try await services.slots.deleteClosure(id: id, locationID: location, on: connection)
                try await services.auditLog.record(services.event(context, action: "closure.delete", recordType: "location_closure",
                                                                  recordID: String(id)), on: connection)
            }
        } catch SlotError.closureNotFound { throw AppError.notFound }
        try await services.slots.plan(locationID: location, now: services.clock.now())
        return Response(status: .noContent)
    }

    // MARK: slots

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

    @Sendable func slots(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let location = query["location"].flatMap({ Int64(String($0)) }), try await services.slots.location(id: location) != nil else {
            throw Self.invalid([.init(field: "location", message: "location は窓口の id です。")])
        }
        let today = CalendarDate(services.clock.now())
        let from = query["from"].flatMap { CalendarDate(String($0)) } ?? query["date"].flatMap { CalendarDate(String($0)) } ?? today
        let through = query["to"].flatMap { CalendarDate(String($0)) } ?? query["date"].flatMap { CalendarDate(String($0)) } ?? from
        guard through >= from, through <= from.adding(days: 92)! else {
            throw Self.invalid([.init(field: "to", message: "期間は from から92日以内です。")])
        }
        try await services.slots.ensurePlanned(locationID: location, now: services.clock.now())
        let purpose = query["purpose"].flatMap { BookingPurpose(rawValue: String($0)) }
        return try Responses.json(try await services.slots.slots(locationID: location, purpose: purpose, from: from, through: through)
            .map(SlotView.init))
    }

    struct CapacityBody: Decodable {
        let webCapacity: Int
        let staffCapacity: Int
    }

    @Sendable func capacity(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? "") else { throw AppError.notFound }
        let body = try await Self.decode(CapacityBody.self, request)
        do {
            try await services.database.transaction { connection in
                try await services.slots.setCapacity(slotID: id, web: body.webCapacity, staff: body.staffCapacity, on: connection)
                try await services.auditLog.record(services.event(context, action: "slot.capacity", recordType: "slot", recordID: String(id),
                                                                  detail: "web=\(body.webCapacity) staff=\(body.staffCapacity)"), on: connection)
            }
        } catch SlotError.slotNotFound {
            throw AppError.notFound
        } catch let error as SlotError {
            throw AppError.refused(status: .conflict, slug: "capacity-below-booked", message: error.description)
        }
        return try Responses.json(SlotView(try await services.slots.slot(id: id)!))
    }

    // MARK: bookings

    /// A booking as staff see it (the person's details included; every read is audited).
    struct StaffBookingView: Encodable {
        let id: Int64
        let code: String
        let status: String
        let channel: String
        let seat: String
        let purpose: String
        let location: Int64
        let locationName: String
        let slotId: Int64
        let date: String
        let start: Date
        let end: Date
        let familyName: String
        let givenName: String
        let familyKana: String
        let givenKana: String
        let birthDate: String
        let phone: String
        let email: String
        let applicationID: String
        let noticeNumber: String
        let notes: String
        let duplicateOverride: Bool
        let checkedInAt: Date?
        let version: Int

        init(_ b: Booking) {
            id = b.id
            code = b.code
            status = b.status.rawValue
            channel = b.channel.rawValue
            seat = b.seat
            purpose = b.purpose.rawValue
            location = b.locationID
            locationName = b.locationName
            slotId = b.slotID
            date = b.day.description
            start = b.startsAt
            end = b.endsAt
            familyName = b.input.familyName
            givenName = b.input.givenName
            familyKana = b.input.familyKana
            givenKana = b.input.givenKana
            birthDate = b.input.birthDate
            phone = b.input.phone
            email = b.input.email
            applicationID = b.input.applicationID
            noticeNumber = b.input.noticeNumber
            notes = b.input.notes
            duplicateOverride = b.duplicateOverride
            checkedInAt = b.checkedInAt
            version = b.version
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let results: [Booking]
        if let location = query["location"].flatMap({ Int64(String($0)) }), let day = query["date"].flatMap({ CalendarDate(String($0)) }) {
            results = try await services.bookings.day(locationID: location, day: day)
            try await services.audit(context, action: "booking.day.list", recordType: "location", recordID: String(location), detail: day.description)
        } else if let text = query["q"].map(String.init), !text.isEmpty {
            results = try await services.bookings.search(text: text, from: query["from"].flatMap { CalendarDate(String($0)) },
                                                         through: query["to"].flatMap { CalendarDate(String($0)) })
            try await services.audit(context, action: "booking.search", detail: "q=\(text.prefix(40))")
        } else {
            throw Self.invalid([.init(field: "location", message: "location と date、または q を指定してください。")])
        }
        return try Responses.json(results.map(StaffBookingView.init))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Self.decode(BookingRequest.self, request)
        guard let slotID = body.slotId else { throw Self.invalid([.init(field: "slotId", message: "slotId は必須です。")]) }
        let channel: BookingChannel = body.channel == "counter" ? .counter : .phone
        do {
            switch try await desk.book(slotID: slotID, raw: body.person, actor: .staff(userID: context.identity?.userID, channel: channel),
                                       overrideDuplicate: body.overrideDuplicate ?? false, overridePickupCheck: body.overridePickupCheck ?? false,
                                       context: context) {
            case .invalid(let problems): throw Self.invalid(problems)
            case .booked(let booking): return try Responses.json(StaffBookingView(booking), status: .created)
            }
        } catch let error as BookingError {
            if case .duplicate(let existing) = error {
                // Staff may see which booking it duplicates, and override it deliberately.
                throw AppError.refused(status: .conflict, slug: "duplicate-booking",
                                       message: "同じ方の同じ目的の予約（\(BookingCode.display(existing))）があります。overrideDuplicate: true で重複を承知で登録できます。")
            }
            if case .pickupNotReady(let check) = error {
                throw AppError.refused(status: .conflict, slug: "card-not-ready",
                                       message: check.staffMessage + " overridePickupCheck: true で承知のうえ登録できます。")
            }
            throw BookingDesk.appError(error)
        }
    }

    func pathBooking(_ context: AppRequestContext) async throws -> Booking {
        guard let code = BookingCode.normalized(context.parameters.get("code") ?? ""), let booking = try await services.bookings.find(code: code)
        else { throw AppError.notFound }
        return booking
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await pathBooking(context)
        try await services.audit(context, action: "booking.view", recordType: "booking", recordID: String(booking.id))
        return try Responses.json(StaffBookingView(booking))
    }

    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await pathBooking(context)
        do {
            return try Responses.json(StaffBookingView(try await desk.checkIn(booking, context: context)))
        } catch let error as BookingError {
            throw BookingDesk.appError(error)
        }
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await pathBooking(context)
        do {
            try await desk.cancel(booking, actor: .staff(userID: context.identity?.userID, channel: .phone), context: context)
        } catch let error as BookingError {
            throw BookingDesk.appError(error)
        }
        return try Responses.json(StaffBookingView(try await services.bookings.find(id: booking.id)!))
    }

    struct MoveBody: Decodable { let slotId: Int64 }

    @Sendable func move(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await pathBooking(context)
        let body = try await Self.decode(MoveBody.self, request)
        do {
            let moved = try await desk.move(booking, to: body.slotId, actor: .staff(userID: context.identity?.userID, channel: .phone), context: context)
            return try Responses.json(StaffBookingView(moved))
        } catch let error as BookingError {
            throw BookingDesk.appError(error)
        }
    }

    struct NoShowBody: Decodable {
        let location: Int64
        let date: String
    }

    @Sendable func noShows(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Self.decode(NoShowBody.self, request)
        guard let day = CalendarDate(body.date) else { throw Self.invalid([.init(field: "date", message: "date は YYYY-MM-DD です。")]) }
        let count = try await services.database.transaction { connection in
            let count = try await services.bookings.markNoShows(locationID: body.location, day: day, now: services.clock.now(), on: connection)
            try await services.auditLog.record(services.event(context, action: "booking.no-shows", recordType: "location",
                                                              recordID: String(body.location), detail: "\(day) count=\(count)"), on: connection)
            return count
        }
        return try Responses.json(["marked": count])
    }
}
