import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging
import PostgresNIO

/// Bookings as every entry point makes them (resident pages, public API, staff pages, staff API):
/// validated, rate-limited for residents, done in one transaction with their audit row. The rules
/// live here and in `BookingStore` (the seat SQL) and `BookingInput` (the fields), once each.
public struct BookingDesk: Sendable {
    let bookings: BookingStore
    let slots: SlotStore
    let ledger: LedgerStore
    let registry: RegistryStore
    let limiter: RateLimiter
    let lookupFailures: LookupFailures
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource
    let configuration: ServiceConfiguration
    /// The live feed of changes for the day view (A5), one per process.
    let feed: BookingFeed
    /// Mail to the resident, queued in the change's transaction (#16).
    let notices: BookingNotices
    /// The booking form's "mail me when my card is ready" (#16), recorded with the booking.
    let consents: ContactConsentStore
    /// Idempotency keys of booking requests (#14).
    let requests = BookingRequestStore()

    public enum Outcome: Sendable {
        case booked(Booking)
        case invalid([FieldProblem])
    }

    // MARK: booking

    /// Books `slotID` for the person in `raw` (not yet validated). Residents book web seats inside
    /// the booking window; staff (`channel` phone or counter) may override a duplicate or the
    /// pickup check deliberately, and both overrides are in the audit row.
    ///
    /// With `idempotencyKey` (#14), a retry of a request whose first answer was lost gets the
    /// booking that request made, not a second seat; the same key for another request is refused.
    public func book(slotID: Int64, raw: BookingInput, channel: BookingChannel? = nil, overrideDuplicate: Bool = false,
                     overridePickupCheck: Bool = false, language: BookingLanguage = .ja, idempotencyKey: String? = nil,
                     cardMail: Bool = false, caller: Caller) async throws -> Outcome {
        let now = clock.now()
        guard let slot = try await slots.slot(id: slotID) else { throw BookingError.slotNotFound }
        let input: BookingInput
        switch raw.validated(purpose: slot.purpose, today: now, language: language) {
        case .failure(let invalid): return .invalid(invalid.problems)
        case .success(var clean):
            let consent = ContactConsent.problems(wanted: cardMail, email: clean.email, applicationID: clean.applicationID, language: language)
            if !consent.isEmpty { return .invalid(consent) }
            // Notes are the staff's; a resident's JSON cannot write them.
            if caller.isResident { clean.notes = "" }
            input = clean
        }
        let actor = storeActor(caller, channel: channel)
        let fingerprint = BookingRequestStore.fingerprint(slotID: slotID, input: input)
        let requests = requests
        if let idempotencyKey {
            guard BookingRequestStore.isValidKey(idempotencyKey) else { throw BookingError.invalidIdempotencyKey }
            // A retry answers from what the first attempt made, before any limit counts it again.
            let earlier = try await database.transaction { try await requests.claim(idempotencyKey, fingerprint: fingerprint, on: $0) }
            if let replayed = try await replay(earlier) { return .booked(replayed) }
        }
        if caller.isResident { try await limitResident(caller, contacts: [input.phone, input.email.lowercased()]) }
        let made = RateLimiter.Limit(name: "booked-addr", hits: configuration.bookingsMadePerAddressPerHour, window: 3600)
        let ledger = ledger
        let booking = try await database.transaction { connection -> Booking? in
            if let idempotencyKey {
                // Claimed again inside the booking's transaction: a concurrent twin waits here.
                guard case .none = try await requests.claim(idempotencyKey, fingerprint: fingerprint, on: connection) else { return nil }
            }
            let booking = try await bookings.create(
                slotID: slotID, input: input, actor: actor, overrideDuplicate: overrideDuplicate, overridePickupCheck: overridePickupCheck,
                language: language, now: now,
                pickupCheck: { input, connection in
                    // Residents' requests reach the ledger only through the verdict function (their role reads no ledger row).
                    caller.isResident
                        ? try await ledger.pickupVerdict(applicationID: input.applicationID, kanaKey: input.kanaKey, birthDate: input.birthDate,
                                                         on: connection)
                        : try await ledger.pickupCheck(applicationID: input.applicationID, kanaKey: input.kanaKey, birthDate: input.birthDate,
                                                       on: connection)
                }, on: connection)
            // The hoarding limit counts bookings made, inside their transaction: a refused
            // attempt rolls its count back with it.
            if caller.isResident, !(try await limiter.allow(made, key: ClientAddress.limitKey(caller.sourceAddress), now: now, on: connection)) {
                throw RateLimited.bookings
            }
            try await audit.record(caller, "booking.create", recordType: "booking", recordID: String(booking.id),
                                   detail: "channel=\(booking.channel.rawValue) slot=\(slotID)\(booking.duplicateOverride ? " duplicate-override" : "")"
                                       + (overridePickupCheck && booking.purpose == .pickup ? " pickup-check-override" : ""),
                                   on: connection)
            if let idempotencyKey {
                try await requests.record(idempotencyKey, fingerprint: fingerprint, bookingID: booking.id, now: now, on: connection)
            }
            try await notices.booked(booking, on: connection)
            if cardMail {
                let consent = try await consents.record(applicationID: input.applicationID, email: input.email, source: .booking, userID: caller.userID,
                                                        now: now, on: connection)
                try await audit.record(caller, "contact-consent.record", recordType: "contact_consent", recordID: String(consent),
                                       detail: "booking=\(booking.id) source=booking", on: connection)
            }
            return booking
        }
        if let booking { return .booked(booking) }
        // The twin committed first: answer with its booking.
        let earlier = try await database.transaction { try await requests.claim(idempotencyKey!, fingerprint: fingerprint, on: $0) }
        guard let replayed = try await replay(earlier) else { throw BookingError.invalidIdempotencyKey }
        return .booked(replayed)
    }

    /// Forgets idempotency keys older than a day (a client retries within seconds or minutes).
    public func purgeIdempotencyKeys() async throws {
        let cutoff = clock.now().addingTimeInterval(-86_400)
        try await database.transaction { try await requests.purge(olderThan: cutoff, on: $0) }
    }

    /// The booking an earlier request with the same key made, or nil when there was none.
    func replay(_ earlier: BookingRequestStore.Earlier) async throws -> Booking? {
        switch earlier {
        case .none: return nil
        case .differentRequest: throw BookingError.idempotencyKeyReused
        case .booked(let id):
            guard let booking = try await bookings.find(id: id) else { throw BookingError.slotNotFound }
            return booking
        }
    }

    /// The open bookings a new one would duplicate (A3), for the staff form's warning.
    public func duplicates(of raw: BookingInput, slot: Slot) async throws -> [Booking] {
        guard case .success(let clean) = raw.validated(purpose: slot.purpose, today: clock.now()) else { return [] }
        return try await bookings.duplicates(of: clean, purpose: slot.purpose, now: clock.now(), on: database.client)
    }

    public func cancel(_ booking: Booking, caller: Caller) async throws {
        let actor = storeActor(caller, channel: .phone)
        try await database.transaction { connection in
            try await bookings.cancel(bookingID: booking.id, actor: actor, now: clock.now(), on: connection)
            try await audit.record(caller, "booking.cancel", recordType: "booking", recordID: String(booking.id),
                                   detail: caller.isResident ? "by=resident" : "by=staff", on: connection)
            try await notices.cancelled(booking, on: connection)
        }
    }

    public func move(_ booking: Booking, to slotID: Int64, caller: Caller) async throws -> Booking {
        let actor = storeActor(caller, channel: .phone)
        return try await database.transaction { connection in
            let moved = try await bookings.move(bookingID: booking.id, to: slotID, actor: actor, now: clock.now(), on: connection)
            try await audit.record(caller, "booking.move", recordType: "booking", recordID: String(booking.id),
                                   detail: "slot=\(booking.slotID)->\(slotID)", on: connection)
            try await notices.moved(moved, on: connection)
            return moved
        }
    }

    /// Staff edit of the person's details from the version they read (409-style `staleVersion`).
    public func update(_ booking: Booking, raw: BookingInput, expectedVersion: Int, caller: Caller) async throws -> [FieldProblem] {
        switch raw.validated(purpose: booking.purpose, today: clock.now()) {
        case .failure(let invalid): return invalid.problems
        case .success(let clean):
            try await database.transaction { connection in
                try await bookings.update(bookingID: booking.id, input: clean, expectedVersion: expectedVersion, on: connection)
                try await audit.record(caller, "booking.update", recordType: "booking", recordID: String(booking.id), on: connection)
            }
            return []
        }
    }

    // MARK: the day (A8)

    public func checkIn(_ booking: Booking, caller: Caller) async throws -> Booking {
        try await database.transaction { connection in
            let checked = try await bookings.checkIn(bookingID: booking.id, staffUserID: caller.userID, now: clock.now(), on: connection)
            try await audit.record(caller, "booking.check-in", recordType: "booking", recordID: String(booking.id), on: connection)
            return checked
        }
    }

    public func undoCheckIn(_ booking: Booking, caller: Caller) async throws {
        try await database.transaction { connection in
            try await bookings.undoCheckIn(bookingID: booking.id, on: connection)
            try await audit.record(caller, "booking.undo-check-in", recordType: "booking", recordID: String(booking.id), on: connection)
        }
    }

    /// Everyone still booked in a slot of `day` that has ended did not come.
    public func markNoShows(locationID: Int64, day: CalendarDate, caller: Caller) async throws -> Int {
        try await database.transaction { connection in
            let count = try await bookings.markNoShows(locationID: locationID, day: day, now: clock.now(), on: connection)
            try await audit.record(caller, "booking.no-shows", recordType: "location", recordID: String(locationID),
                                   detail: "\(day) count=\(count)", on: connection)
            return count
        }
    }

    // MARK: reading (every read of a person's booking is audited)

    public func find(id: Int64) async throws -> Booking? { try await bookings.find(id: id) }

    /// A code as typed or scanned (case, hyphens and full width do not matter).
    public func find(code: String) async throws -> Booking? {
        guard let code = BookingCode.normalized(code) else { return nil }
        return try await bookings.find(code: code)
    }

    /// One booking opened by staff.
    public func open(_ booking: Booking, caller: Caller) async throws {
        try await audit.record(caller, "booking.view", recordType: "booking", recordID: String(booking.id))
    }

    /// Every booking at a location on a day, in time order (the day view and its printout).
    public func day(locationID: Int64, day: CalendarDate, printing: Bool = false, caller: Caller) async throws -> [Booking] {
        try await audit.record(caller, printing ? "booking.print.list" : "booking.day.list", recordType: "location",
                               recordID: String(locationID), detail: day.description)
        return try await bookings.day(locationID: locationID, day: day)
    }

    /// Staff search by code, phone, application ID, kana or name, with a day range. The search
    /// text goes to the audit log, so one that holds an individual number is refused first.
    public func search(text: String, from: CalendarDate?, through: CalendarDate?, caller: Caller) async throws -> [Booking] {
        if IndividualNumber.appears(in: text) { throw InvalidInput([FieldProblem(field: "q", message: IndividualNumber.refusalMessage)]) }
        let results = try await bookings.search(text: text, from: from, through: through)
        try await audit.record(caller, "booking.search",
                               detail: "q=\(text.prefix(40)) from=\(from?.description ?? "") to=\(through?.description ?? "")")
        return results
    }

    /// The card ledger and the registry beside a pickup booking (A4, C5), as far as the caller may see them.
    public func crossCheck(_ booking: Booking, caller: Caller) async throws -> (ledger: PickupCheck?, registry: RegistryMatch?) {
        let input = booking.input
        var check: PickupCheck?
        if booking.purpose == .pickup, caller.has(.ledgerView) {
            check = try await ledger.pickupCheck(applicationID: input.applicationID, kanaKey: input.kanaKey, birthDate: input.birthDate,
                                                 on: database.client)
        }
        var match: RegistryMatch?
        if caller.has(.registryView) {
            match = try await registry.match(name: input.familyName + "\u{3000}" + input.givenName, kanaKey: input.kanaKey,
                                             birthDate: CalendarDate(input.birthDate), sex: nil, address: "")
        }
        return (check, match)
    }

    // MARK: residents' own bookings

    /// The booking for a code and date of birth, as a resident proves it is theirs: rate-limited
    /// per address, audited, and the same nil for an unknown code and a wrong date.
    public func residentLookup(code: String, birthDate: String, caller: Caller) async throws -> Booking? {
        try await limitLookup(caller)
        guard let code = BookingCode.normalized(code) else { return nil }
        let now = clock.now()
        // Per code as well as per address (#13): guesses spread over many addresses still lock it.
        if try await lookupFailures.isLocked(code: code, now: now) { throw RateLimited.lookupLocked }
        guard let date = CalendarDate(birthDate), let booking = try await bookings.find(code: code, birthDate: date) else {
            if try await lookupFailures.failed(code: code, limit: configuration.lookupFailuresBeforeLock,
                                               lockFor: TimeInterval(configuration.lookupLockMinutes * 60), now: now) {
                try await audit.record(caller, "booking.lookup-locked", recordType: "booking", result: .denied,
                                       detail: "\(configuration.lookupFailuresBeforeLock)回連続で生年月日の誤り")
            }
            return nil
        }
        try await lookupFailures.succeeded(code: code)
        try await audit.record(caller, "booking.resident-view", recordType: "booking", recordID: String(booking.id))
        return booking
    }

    /// After a resident proved code + date of birth: a token for the next 20 minutes' changes.
    public func grantAccess(to booking: Booking) async throws -> String {
        try await bookings.grantAccess(bookingID: booking.id, now: clock.now())
    }

    public func booking(accessToken: String) async throws -> Booking? {
        guard !accessToken.isEmpty else { return nil }
        return try await bookings.booking(accessToken: accessToken, now: clock.now())
    }

    public func revokeAccess(_ accessToken: String) async throws {
        try await bookings.revokeAccess(accessToken)
    }

    // MARK: limits

    func storeActor(_ caller: Caller, channel: BookingChannel?) -> BookingStore.Actor {
        caller.isResident ? .resident : .staff(userID: caller.userID, channel: channel ?? .phone)
    }

    /// Per-address and per-contact limits for residents' booking attempts, counted in PostgreSQL
    /// (one statement for all of them).
    func limitResident(_ caller: Caller, contacts: [String]) async throws {
        let perAddress = RateLimiter.Limit(name: "book-addr", hits: configuration.bookingAttemptsPerAddressPerHour, window: 3600)
        let perContact = RateLimiter.Limit(name: "book-contact", hits: configuration.bookingAttemptsPerContactPerDay, window: 86_400)
        let hits = [(perAddress, ClientAddress.limitKey(caller.sourceAddress))] + Set(contacts.filter { !$0.isEmpty }).map { (perContact, $0) }
        guard try await limiter.allowAll(hits, now: clock.now()) else { throw RateLimited.bookings }
    }

    /// The brake on guessing booking codes: lookups per address.
    func limitLookup(_ caller: Caller) async throws {
        let limit = RateLimiter.Limit(name: "lookup-addr", hits: configuration.bookingLookupsPerAddressPerHour, window: 3600)
        guard try await limiter.allow(limit, key: ClientAddress.limitKey(caller.sourceAddress), now: clock.now()) else { throw RateLimited.bookings }
    }
}

extension BookingDesk {
    /// The QR code a booking's confirmation carries (inline SVG; the code staff scan at check-in).
    public func qrCode(for booking: Booking, label: String) throws -> String {
        try QRCode(booking.code).svg(label: label)
    }
}

/// The live day view (A5): the database announces every booking change; one LISTEN connection
/// per process fans it out to the open pages.
extension BookingDesk {
    /// A stream of every change from now on; returns once the LISTEN is in place, so a replay of
    /// the table after it cannot fall into a gap.
    public func subscribe() async -> (UUID, AsyncStream<BookingFeedEvent>) { await feed.subscribe() }
    public func unsubscribe(_ id: UUID) async { await feed.unsubscribe(id) }
    /// Changes after `eventID` at a location, for a reconnecting page.
    public func events(after eventID: Int64, location: Int64) async throws -> [BookingFeedEvent] {
        try await feed.events(after: eventID, location: location)
    }
    public func latestEventID() async throws -> Int64 { try await feed.latestEventID() }
}
