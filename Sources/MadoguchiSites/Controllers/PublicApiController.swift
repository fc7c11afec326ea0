import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// The resident flow as JSON (`/api/v1/public`, resident site), for a LINE mini-app or the city
/// app: locations, availability, book, look up and cancel with code + date of birth.
struct PublicApiController {
    let services: SiteServices
    var desk: BookingDesk { BookingDesk(services: services) }

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
        try Responses.json(try await services.slots.locations().map(LocationView.init))
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
        let now = services.clock.now(), today = CalendarDate(now)
        let from = query["from"].map { CalendarDate(String($0)) } ?? today
        if from == nil { problems.append(.init(field: "from", message: "from は YYYY-MM-DD の日付です。")) }
        let to = query["to"].map { CalendarDate(String($0)) } ?? nil
        if query["to"] != nil, to == nil { problems.append(.init(field: "to", message: "to は YYYY-MM-DD の日付です。")) }
        guard problems.isEmpty, let locationID, let purpose, let from else { throw AppError.invalidInput(problems) }
        guard let location = try await services.slots.location(id: locationID) else { throw AppError.notFound }
        let through = min(to ?? location.lastBookableDay(now: now), location.lastBookableDay(now: now), from.adding(days: 92)!)
        try await services.slots.ensurePlanned(locationID: locationID, now: now)
        let slots = from > through ? [] : try await services.slots.slots(locationID: locationID, purpose: purpose, from: max(from, today),
                                                                        through: through)
        let views = slots.filter { location.acceptsOnline(startsAt: $0.startsAt, day: $0.day, now: now) && !$0.withdrawn }.map {
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

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let body = try await request.body.collect(upTo: 64 * 1024)
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: body))
        } catch {
            throw AppError.badRequest("JSON の形式が正しくありません。")
        }
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Self.decode(BookingRequest.self, from: request)
        guard let slotID = body.slotId else { throw AppError.invalidInput([.init(field: "slotId", message: "slotId は必須です。")]) }
        let language = body.language.flatMap(BookingLanguage.init(rawValue:)) ?? .ja
        do {
            switch try await desk.book(slotID: slotID, raw: body.person, actor: .resident, language: language, context: context) {
            case .invalid(let problems):
                throw AppError.invalidInput(problems.map { .init(field: $0.field, message: $0.message) })
            case .booked(let booking):
                var response = try Responses.json(BookingView(booking), status: .created)
                response.headers[.location] = "/api/v1/public/bookings/\(booking.code)"
                return response
            }
        } catch let error as BookingError {
            throw BookingDesk.appError(error, language: language)
        }
    }

    /// The booking for the code in the path and the date of birth in `birthDate` (query or the
    /// `X-Birth-Date` header); one answer for "no such code" and "wrong date".
    func owned(_ request: Request, context: AppRequestContext) async throws -> Booking {
        try await desk.limitLookup(context: context)
        var birth = request.headers[.xBirthDate] ?? request.uri.queryParameters["birthDate"].map(String.init) ?? ""
        if birth.isEmpty, request.method == .delete, let body = try? await request.body.collect(upTo: 4096),
           let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] {
            // A client may also send the date of birth in a JSON body with DELETE.
            birth = json["birthDate"] as? String ?? ""
        }
        guard let code = BookingCode.normalized(context.parameters.get("code") ?? ""), let date = CalendarDate(birth),
              let booking = try await services.bookings.find(code: code, birthDate: date) else {
            throw BookingDesk.appError(.notFound)
        }
        return booking
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await owned(request, context: context)
        try await services.audit(context, action: "booking.resident-view", recordType: "booking", recordID: String(booking.id))
        return try Responses.json(BookingView(booking))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await owned(request, context: context)
        do {
            try await desk.cancel(booking, actor: .resident, context: context)
        } catch let error as BookingError {
            throw BookingDesk.appError(error)
        }
        return try Responses.json(BookingView(try await services.bookings.find(id: booking.id) ?? booking))
    }
}

extension HTTPField.Name {
    static let xBirthDate = Self("X-Birth-Date")!
}
