import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The resident flow as JSON (`/api/v1/public`, resident site), for a LINE mini-app or the city
/// app: locations, availability, book, look up and cancel with code + date of birth.
struct PublicApiController {
    let booking: BookingDesk
    let slots: SlotDesk
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/api/v1/public/locations", .anyone, use: locations)
            .get("/api/v1/public/availability", .anyone, use: availability)
            .post("/api/v1/public/bookings", .anyone, use: create)
            .get("/api/v1/public/bookings/:code", .anyone, use: show)
            .delete("/api/v1/public/bookings/:code", .anyone, use: cancel)
    }

    struct LocationView: Encodable {
        let id: Int64
        let name: String
        let address: String
        let guidance: String
        let bookingOpensDaysAhead: Int
        let bookingClosesHoursBefore: Int

        init(_ location: Location) {
            id = location.id
            name = location.name
            address = location.address
            guidance = location.guidance
            bookingOpensDaysAhead = location.opensDays
            bookingClosesHoursBefore = location.closesHours
        }
    }

    @Sendable func locations(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Responses.json(try await slots.locations().map(LocationView.init))
    }

    struct SlotView: Encodable {
        let id: Int64
        let date: String
        let start: Date
        let end: Date
        let available: Int
    }

    struct AvailabilityView: Encodable {
        let location: Int64
        let purpose: String
        let from: String
        let to: String
        let slots: [SlotView]
    }

    @Sendable func availability(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var problems: [AppError.FieldError] = []
        let locationID = query["location"].flatMap { Int64(String($0)) }
        let purpose = query["purpose"].flatMap { BookingPurpose(rawValue: String($0)) }
        if locationID == nil { problems.append(.init(field: "location", message: "location は窓口の id です。")) }
        if purpose == nil { problems.append(.init(field: "purpose", message: "purpose は application か pickup です。")) }
        let now = clock.now(), today = CalendarDate(now)
        let from = query["from"].map { CalendarDate(String($0)) } ?? today
        if from == nil { problems.append(.init(field: "from", message: "from は YYYY-MM-DD の日付です。")) }
        let to = query["to"].map { CalendarDate(String($0)) } ?? nil
        if query["to"] != nil, to == nil { problems.append(.init(field: "to", message: "to は YYYY-MM-DD の日付です。")) }
        guard problems.isEmpty, let locationID, let purpose, let from else { throw AppError.invalidInput(problems) }
        guard let location = try await slots.location(id: locationID) else { throw AppError.notFound }
        let through = min(to ?? location.lastBookableDay(now: now), location.lastBookableDay(now: now), from.adding(days: 92)!)
        let views = try await slots.onlineSlots(location, purpose: purpose, from: from, through: through).map {
            SlotView(id: $0.id, date: $0.day.description, start: $0.startsAt, end: $0.endsAt, available: $0.webFree)
        }
        return try Responses.json(AvailabilityView(location: locationID, purpose: purpose.rawValue, from: from.description,
                                                   to: through.description, slots: views))
    }

    /// A booking as its owner sees it.
    struct BookingView: Encodable {
        let code: String
        let status: String
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

        init(_ b: Booking) {
            code = b.code
            status = b.status.rawValue
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
        }
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Responses.decode(BookingRequest.self, from: request)
        guard let slotID = body.slotId else { throw AppError.invalidInput([.init(field: "slotId", message: "slotId は必須です。")]) }
        let language = body.language.flatMap(BookingLanguage.init(rawValue:)) ?? .ja
        do {
            // A retried POST with the same key (a lost answer, a 503 during a failover) gets the
            // booking the first one made, with the same 201 answer.
            let key = request.headers[HTTPField.Name("Idempotency-Key")!]
            switch try await booking.book(slotID: slotID, raw: body.person, language: language, idempotencyKey: key, caller: context.caller) {
            case .invalid(let problems):
                throw AppError.invalidInput(problems.map { .init(field: $0.field, message: $0.message) })
            case .booked(let booked):
                var response = try Responses.json(BookingView(booked), status: .created)
                response.headers[.location] = "/api/v1/public/bookings/\(booked.code)"
                return response
            }
        } catch let error as BookingError {
            throw AppError.booking(error, language: language)
        }
    }

    /// The booking for the code in the path and the date of birth in `birthDate` (query or the
    /// `X-Birth-Date` header, or a JSON body with DELETE); one answer for "no such code" and "wrong date".
    func owned(_ request: Request, context: AppRequestContext) async throws -> Booking {
        var birth = request.headers[.xBirthDate] ?? request.uri.queryParameters["birthDate"].map(String.init) ?? ""
        if birth.isEmpty, request.method == .delete, let body = try? await request.body.collect(upTo: 4096),
           let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] {
            try EdgeText.check(json: Data(buffer: body))
            birth = json["birthDate"] as? String ?? ""
        }
        if let problem = InputText.problem(birth, multiline: false) { throw EdgeText.refusal("birthDate", problem) }
        guard let found = try await booking.residentLookup(code: context.parameters.get("code") ?? "", birthDate: birth, caller: context.caller)
        else { throw AppError.booking(.notFound) }
        return found
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Responses.json(BookingView(try await owned(request, context: context)))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let found = try await owned(request, context: context)
        do {
            try await booking.cancel(found, caller: context.caller)
        } catch let error as BookingError {
            throw AppError.booking(error)
        }
        return try Responses.json(BookingView(try await booking.find(id: found.id) ?? found))
    }
}

extension HTTPField.Name {
    static let xBirthDate = Self("X-Birth-Date")!
}
