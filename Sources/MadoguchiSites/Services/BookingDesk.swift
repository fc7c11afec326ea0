import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// Booking changes as every entry point makes them (resident pages, public API, staff pages,
/// staff API): validated, rate-limited for residents, done in one transaction with its audit
/// entry, so the rules are written once.
struct BookingDesk: Sendable {
    let services: SiteServices

    enum Outcome: Sendable {
        case booked(Booking)
        case invalid([FieldProblem])
    }

    /// Books `slotID` for the person in `raw` (not yet validated).
    func book(slotID: Int64, raw: BookingInput, actor: BookingStore.Actor, overrideDuplicate: Bool = false, overridePickupCheck: Bool = false,
              language: BookingLanguage = .ja, context: AppRequestContext) async throws -> Outcome {
        let now = services.clock.now()
        guard let slot = try await services.slots.slot(id: slotID) else { throw BookingError.slotNotFound }
        let input: BookingInput
        switch raw.validated(purpose: slot.purpose, today: now, language: language) {
        case .failure(let invalid): return .invalid(invalid.problems)
        case .success(var clean):
            // Notes are the staff's; a resident's JSON cannot write them.
            if actor == .resident { clean.notes = "" }
            input = clean
        }
        if actor == .resident { try await limitResident(context: context, contacts: [input.phone, input.email.lowercased()]) }
        let made = RateLimiter.Limit(name: "booked-addr", hits: services.configuration.bookingsMadePerAddressPerHour, window: 3600)
        let booking = try await services.database.transaction { connection in
            let booking = try await services.bookings.create(slotID: slotID, input: input, actor: actor, overrideDuplicate: overrideDuplicate,
                                                             overridePickupCheck: overridePickupCheck, language: language, now: now, on: connection)
            // The hoarding limit counts bookings made, inside their transaction: a refused
            // attempt rolls its count back with it.
            if actor == .resident, !(try await services.rateLimiter.allow(made, key: context.sourceAddress, now: now, on: connection)) {
                throw Self.rateLimited
            }
            try await services.auditLog.record(services.event(
                context, action: "booking.create", recordType: "booking", recordID: String(booking.id),
                detail: "channel=\(booking.channel.rawValue) slot=\(slotID)\(booking.duplicateOverride ? " duplicate-override" : "")"
                    + (overridePickupCheck && booking.purpose == .pickup ? " pickup-check-override" : "")),
                on: connection)
            return booking
        }
        return .booked(booking)
    }

    func cancel(_ booking: Booking, actor: BookingStore.Actor, context: AppRequestContext) async throws {
        try await services.database.transaction { connection in
            try await services.bookings.cancel(bookingID: booking.id, actor: actor, now: services.clock.now(), on: connection)
            try await services.auditLog.record(services.event(context, action: "booking.cancel", recordType: "booking",
                                                              recordID: String(booking.id), detail: actor == .resident ? "by=resident" : "by=staff"),
                                               on: connection)
        }
    }

    func move(_ booking: Booking, to slotID: Int64, actor: BookingStore.Actor, context: AppRequestContext) async throws
        -> Booking {
        try await services.database.transaction { connection in
            let moved = try await services.bookings.move(bookingID: booking.id, to: slotID, actor: actor, now: services.clock.now(),
                                                         on: connection)
            try await services.auditLog.record(services.event(context, action: "booking.move", recordType: "booking",
                                                              recordID: String(booking.id), detail: "slot=\(booking.slotID)->\(slotID)"),
                                               on: connection)
            return moved
        }
    }

    func checkIn(_ booking: Booking, context: AppRequestContext) async throws -> Booking {
        try await services.database.transaction { connection in
            let checked = try await services.bookings.checkIn(bookingID: booking.id, staffUserID: context.identity?.userID,
                                                              now: services.clock.now(), on: connection)
            try await services.auditLog.record(services.event(context, action: "booking.check-in", recordType: "booking",
                                                              recordID: String(booking.id)), on: connection)
            return checked
        }
    }

    /// Per-address and per-contact limits for residents' booking attempts, counted in PostgreSQL
    /// (one statement for all of them).
    func limitResident(context: AppRequestContext, contacts: [String]) async throws {
        let configuration = services.configuration
        let perAddress = RateLimiter.Limit(name: "book-addr", hits: configuration.bookingAttemptsPerAddressPerHour, window: 3600)
        let perContact = RateLimiter.Limit(name: "book-contact", hits: configuration.bookingAttemptsPerContactPerDay, window: 86_400)
        let hits = [(perAddress, context.sourceAddress)] + Set(contacts.filter { !$0.isEmpty }).map { (perContact, $0) }
        guard try await services.rateLimiter.allowAll(hits, now: services.clock.now()) else { throw Self.rateLimited }
    }

    /// The brake on guessing booking codes: lookups per address.
    func limitLookup(context: AppRequestContext) async throws {
        let limit = RateLimiter.Limit(name: "lookup-addr", hits: services.configuration.bookingLookupsPerAddressPerHour, window: 3600)
        guard try await services.rateLimiter.allow(limit, key: context.sourceAddress, now: services.clock.now()) else { throw Self.rateLimited }
    }

    static let rateLimited = AppError.tooManyRequests(
        "短時間に操作が繰り返されたため、受付を一時停止しています。しばらくしてからお試しください。 / Too many attempts; please try again later.")

    /// A refused booking change as an HTTP error, in the person's language.
    static func appError(_ error: BookingError, language: BookingLanguage = .ja) -> AppError {
        let message = error.message(language)
        switch error {
        case .notFound, .slotNotFound: return .refused(status: .notFound, slug: "not-found", message: message)
        case .slotFull: return .refused(status: .conflict, slug: "slot-full", message: message)
        case .outsideWindow: return .refused(status: .conflict, slug: "outside-booking-window", message: message)
        case .duplicate: return .refused(status: .conflict, slug: "duplicate-booking", message: message)
        case .tooManyOpenBookings: return .refused(status: .conflict, slug: "too-many-open-bookings", message: message)
        case .notChangeable, .alreadyCheckedIn: return .refused(status: .conflict, slug: "not-changeable", message: message)
        case .purposeMismatch: return .refused(status: .unprocessableContent, slug: "purpose-mismatch", message: message)
        case .notToday: return .refused(status: .conflict, slug: "not-today", message: message)
        case .staleVersion: return .refused(status: .conflict, slug: "stale-version", message: message)
        case .pickupNotReady: return .refused(status: .conflict, slug: "card-not-ready", message: message)
        }
    }
}
