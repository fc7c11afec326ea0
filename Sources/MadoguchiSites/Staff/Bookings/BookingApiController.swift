import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The staff booking API (`/api/v1`, bearer token or session): list, search, book, show,
/// check in, cancel, move and no-shows, with the same desk as the pages.
struct BookingApiController {
    let booking: BookingDesk

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/api/v1/bookings", .permission(.bookingView), use: list)
            .post("/api/v1/bookings", .permission(.bookingWrite), use: create)
            .get("/api/v1/bookings/:code", .permission(.bookingView), use: show)
            .post("/api/v1/bookings/:code/check-in", .permission(.bookingWrite), use: checkIn)
            .post("/api/v1/bookings/:code/cancel", .permission(.bookingWrite), use: cancel)
            .post("/api/v1/bookings/:code/move", .permission(.bookingWrite), use: move)
            .post("/api/v1/bookings/no-shows", .permission(.bookingWrite), use: noShows)
    }

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
        let applicationId: String
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
            applicationId = b.input.applicationID
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
            results = try await booking.day(locationID: location, day: day, caller: context.caller)
        } else if let text = query["q"].map(String.init), !text.isEmpty {
            results = try await booking.search(text: text, from: query["from"].flatMap { CalendarDate(String($0)) },
                                               through: query["to"].flatMap { CalendarDate(String($0)) }, caller: context.caller)
        } else {
            throw AppError.invalidInput([.init(field: "location", message: "location と date、または q を指定してください。")])
        }
        return try Responses.json(results.map(StaffBookingView.init))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Responses.decode(BookingRequest.self, from: request)
        guard let slotID = body.slotId else { throw AppError.invalidInput([.init(field: "slotId", message: "slotId は必須です。")]) }
        do {
            switch try await booking.book(slotID: slotID, raw: body.person, channel: body.channel == "counter" ? .counter : .phone,
                                          overrideDuplicate: body.overrideDuplicate ?? false, overridePickupCheck: body.overridePickupCheck ?? false,
                                          caller: context.caller) {
            case .invalid(let problems): throw InvalidInput(problems)
            case .booked(let booked): return try Responses.json(StaffBookingView(booked), status: .created)
            }
        } catch BookingError.duplicate(let existing) {
            // Staff may see which booking it duplicates, and override it deliberately.
            throw AppError.refused(status: .conflict, slug: "duplicate-booking",
                                   message: "同じ方の同じ目的の予約（\(BookingCode.display(existing))）があります。overrideDuplicate: true で重複を承知で登録できます。")
        } catch BookingError.pickupNotReady(let check) {
            throw AppError.refused(status: .conflict, slug: "card-not-ready", message: check.staffMessage + " overridePickupCheck: true で承知のうえ登録できます。")
        }
    }

    func pathBooking(_ context: AppRequestContext) async throws -> Booking {
        guard let found = try await booking.find(code: context.parameters.get("code") ?? "") else { throw AppError.notFound }
        return found
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let found = try await pathBooking(context)
        try await booking.open(found, caller: context.caller)
        return try Responses.json(StaffBookingView(found))
    }

    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Responses.json(StaffBookingView(try await booking.checkIn(try await pathBooking(context), caller: context.caller)))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let found = try await pathBooking(context)
        try await booking.cancel(found, caller: context.caller)
        return try Responses.json(StaffBookingView(try await booking.find(id: found.id) ?? found))
    }

    struct MoveBody: Decodable { let slotId: Int64 }

    @Sendable func move(_ request: Request, context: AppRequestContext) async throws -> Response {
        let found = try await pathBooking(context)
        let body = try await Responses.decode(MoveBody.self, from: request)
        return try Responses.json(StaffBookingView(try await booking.move(found, to: body.slotId, caller: context.caller)))
    }

    struct NoShowBody: Decodable {
        let location: Int64
        let date: String
    }

    @Sendable func noShows(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Responses.decode(NoShowBody.self, from: request)
        guard let day = CalendarDate(body.date) else { throw AppError.invalidInput([.init(field: "date", message: "date は YYYY-MM-DD です。")]) }
        return try Responses.json(["marked": try await booking.markNoShows(locationID: body.location, day: day, caller: context.caller)])
    }
}
