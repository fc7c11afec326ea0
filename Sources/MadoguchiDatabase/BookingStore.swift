import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Bookings (A1-A3, A5, A6, A8). Every change of seats happens in one transaction with a
/// conditional UPDATE of the slot row, so that concurrent bookings, moves and cancellations can
/// neither overbook nor lose a seat, whichever app instance serves them.
public struct BookingStore: Sendable {
    public let database: Database
    public let policy: Policy
    var logger: Logger { database.logger }

    public init(database: Database, policy: Policy = Policy()) {
        self.database = database
        self.policy = policy
    }

    /// Limits that keep one person (or one phone) from holding many seats on the public site.
    public struct Policy: Sendable {
        public var maxOpenPerPerson: Int
        public var maxOpenPerContact: Int
        public init(maxOpenPerPerson: Int = 2, maxOpenPerContact: Int = 4) {
            self.maxOpenPerPerson = maxOpenPerPerson
            self.maxOpenPerContact = maxOpenPerContact
        }
    }

    /// Who makes a change: the resident online, or a staff member.
    public enum Actor: Sendable, Equatable {
        case resident
        case staff(userID: Int64?, channel: BookingChannel)

        var isResident: Bool { self == .resident }
        var staffUserID: Int64? { if case .staff(let id, _) = self { id } else { nil } }
    }

    static let columns = """
        SELECT b.id, b.code, b.slot_id, s.location_id, l.name, s.purpose, s.day::text, s.starts_at, s.ends_at, b.seat, b.channel, b.status,
               b.family_name, b.given_name, b.family_kana, b.given_kana, b.birth_date::text, b.phone, b.email,
               coalesce(b.application_id, ''), b.notice_number, b.notes, b.language, b.duplicate_override, b.applicant_id, b.created_at,
               nullif(b.created_by_login, ''), b.checked_in_at, b.cancelled_at, b.version
        FROM booking b JOIN slot s ON s.id = b.slot_id JOIN location l ON l.id = s.location_id
        """

    typealias Row = (Int64, String, Int64, Int64, String, String, String, Date, Date, String, String, String,
                     String, String, String, String, String, String, String, String, String, String, String, Bool, Int64?, Date,
                     String?, Date?, Date?, Int)

    static func decode(_ r: Row) -> Booking {
        Booking(id: r.0, code: r.1, slotID: r.2, locationID: r.3, locationName: r.4, purpose: BookingPurpose(rawValue: r.5) ?? .application,
                day: CalendarDate(r.6)!, startsAt: r.7, endsAt: r.8, seat: r.9, channel: BookingChannel(rawValue: r.10) ?? .web,
                status: BookingStatus(rawValue: r.11) ?? .booked,
                input: BookingInput(familyName: r.12, givenName: r.13, familyKana: r.14, givenKana: r.15, birthDate: r.16, phone: r.17,
                                    email: r.18, applicationID: r.19, noticeNumber: r.20, notes: r.21),
                language: BookingLanguage(rawValue: r.22) ?? .ja, duplicateOverride: r.23, applicantID: r.24, createdAt: r.25,
                createdBy: r.26, checkedInAt: r.27, cancelledAt: r.28, version: r.29)
    }

    func bookings(_ condition: String, _ binds: [any PostgresEncodable & Sendable], order: String = "s.starts_at, b.id",
                  limit: Int = 1000, on executor: some SQLExecutor) async throws -> [Booking] {
        var query = PostgresQuery(unsafeSQL: Self.columns + " WHERE " + condition + " ORDER BY " + order + " LIMIT \(limit)")
        for bind in binds { try query.binds.append(bind) }
        return try await executor.all(query, as: Row.self, logger: logger).map(Self.decode)
    }

    // MARK: reading

    /// A person's bookings, newest first: by application ID or by kana and date of birth (the
    /// ledger page shows them beside the card).
    public func forPerson(applicationID: String, kanaKey: String, birthDate: CalendarDate?, limit: Int = 20) async throws -> [Booking] {
        try await bookings("(b.application_id = $1 OR (b.kana_key = $2 AND b.birth_date = $3::date))",
                           [applicationID, kanaKey, (birthDate ?? CalendarDate(year: 1800, month: 1, day: 1)!).description],
                           order: "s.starts_at DESC", limit: limit, on: database.client)
    }

    public func find(id: Int64) async throws -> Booking? {
        try await bookings("b.id = $1", [id], on: database.client).first
    }

    /// These bookings, read inside the caller's transaction.
    public func find(ids: [Int64], on connection: PostgresConnection) async throws -> [Booking] {
        try await bookings("b.id = ANY($1)", [ids], on: connection)
    }

    public func find(code: String) async throws -> Booking? {
        try await bookings("b.code = $1", [code], on: database.client).first
    }

    /// The booking for a code and date of birth, as a resident proves it is theirs. Either one
    /// wrong gives the same nil, so nothing tells whether a code exists.
    public func find(code: String, birthDate: CalendarDate) async throws -> Booking? {
        try await bookings("b.code = $1 AND b.birth_date = $2::date", [code, birthDate.description], on: database.client).first
    }

    /// Every booking (any status) at a location on a day, in time order.
    public func day(locationID: Int64, day: CalendarDate) async throws -> [Booking] {
        try await bookings("s.location_id = $1 AND s.day = $2::date", [locationID, day.description], on: database.client)
    }

    /// Staff search: a booking code, a phone number, an application ID, or kana (prefix), with
    /// an optional day range.
    public func search(text: String, from: CalendarDate?, through: CalendarDate?, limit: Int = 200) async throws -> [Booking] {
        var conditions: [String] = []
        var binds: [any PostgresEncodable & Sendable] = []
        func bind(_ value: any PostgresEncodable & Sendable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty {
            if let code = BookingCode.normalized(trimmed) {
                conditions.append("b.code = \(bind(code))")
            } else if let id = ApplicationID(trimmed) {
                conditions.append("b.application_id = \(bind(id.digits))")
            } else if let phone = BookingInput.phoneDigits(trimmed) {
                conditions.append("b.phone = \(bind(phone))")
            } else if let kana = Kana.searchKey(trimmed), !kana.isEmpty {
                conditions.append("b.kana_key LIKE \(bind(SQLText.likeEscaped(kana) + "%"))")
            } else {
                conditions.append("(b.family_name || b.given_name) LIKE \(bind("%" + SQLText.likeEscaped(trimmed) + "%"))")
            }
        }
        if let from { conditions.append("s.day >= \(bind(from.description))::date") }
        if let through { conditions.append("s.day <= \(bind(through.description))::date") }
        if conditions.isEmpty { return [] }
        return try await bookings(conditions.joined(separator: " AND "), binds, order: "s.starts_at DESC, b.id DESC", limit: limit,
                                  on: database.client)
    }


    /// Open bookings of the same person for the same purpose (A3): normalised kana and date of
    /// birth, or the same application ID.
    public func duplicates(of input: BookingInput, purpose: BookingPurpose, excluding: Int64? = nil, now: Date,
                           on executor: some SQLExecutor) async throws -> [Booking] {
        try await bookings("""
            b.status = 'booked' AND s.ends_at > $1 AND s.purpose = $2 AND b.id <> $3
            AND ((b.kana_key = $4 AND b.birth_date = $5::date) OR (b.application_id IS NOT NULL AND b.application_id = $6))
            """, [now, purpose.rawValue, excluding ?? 0, input.kanaKey, input.birthDate, input.applicationID], on: executor)
    }

    // MARK: booking

    /// Takes a seat in `slotID` and records the booking. `input` must be validated already.
    ///
    /// `pickupCheck` answers, inside this transaction, whether the card a pickup names is ready
    /// (A4); the caller supplies it, so that each site asks in the way its database role allows.
    public func create(slotID: Int64, input: BookingInput, actor: Actor, overrideDuplicate: Bool = false, overridePickupCheck: Bool = false,
                       language: BookingLanguage = .ja, now: Date,
                       pickupCheck: @Sendable (BookingInput, PostgresConnection) async throws -> PickupCheck,
                       on connection: PostgresConnection) async throws -> Booking {
        guard let slot = try await bookingSlot(slotID, on: connection) else { throw BookingError.slotNotFound }
        try check(slot, for: actor, now: now)
        try await lockPerson(input, on: connection)
        let duplicates = try await duplicates(of: input, purpose: slot.purpose, now: now, on: connection)
        if let existing = duplicates.first, actor.isResident || !overrideDuplicate {
            throw BookingError.duplicate(existingCode: existing.code)
        }
        if actor.isResident { try await checkCaps(input, now: now, on: connection) }
        // A pickup needs a card that has arrived and is being readied (A4): residents are
        // refused, staff are told and may book anyway (a card due tomorrow, a phone caller).
        if slot.purpose == .pickup {
            let check = try await pickupCheck(input, connection)
            if !check.isReady, actor.isResident || !overridePickupCheck { throw BookingError.pickupNotReady(check) }
        }
        let seat = try await takeSeat(slotID, actor: actor, on: connection)
        let channel: BookingChannel = if case .staff(_, let channel) = actor { channel } else { .web }
        // The applicant is linked by the `booking_link_applicant` trigger; the creator's login is
        // kept on the row, so reading bookings never needs the staff table.
        var createdByLogin = ""
        if let id = actor.staffUserID {
            createdByLogin = try await connection.first("SELECT login FROM staff_user WHERE id = \(id)", as: (String).self, logger: logger) ?? ""
        }
        let applicationID: String? = input.applicationID.isEmpty ? nil : input.applicationID
        while true {
            let code = BookingCode.generate()
            // A repeated code (one in ~10^14) just draws again.
            if let id = try await connection.first("""
                INSERT INTO booking (code, slot_id, seat, channel, family_name, given_name, family_kana, given_kana, birth_date, phone, email,
                                     application_id, notice_number, notes, language, duplicate_override, created_by, created_by_login)
                VALUES (\(code), \(slotID), \(seat), \(channel.rawValue), \(input.familyName), \(input.givenName), \(input.familyKana),
                        \(input.givenKana), \(input.birthDate)::date, \(input.phone), \(input.email), \(applicationID), \(input.noticeNumber),
                        \(input.notes), \(language.rawValue), \(!duplicates.isEmpty), \(actor.staffUserID), \(createdByLogin))
                ON CONFLICT (code) DO NOTHING RETURNING id
                """, as: (Int64).self, logger: logger) {
                return try await bookings("b.id = $1", [id], on: connection)[0]
            }
        }
    }

    /// Moves a booking to another slot of the same purpose. The booking row is locked first (as
    /// cancel does), and its slot and seat are read under that lock, so two moves or a move and a
    /// cancel of the same booking queue instead of both giving back the same seat; then both slot
    /// rows are locked in id order, so crossing moves cannot deadlock; the new seat is taken
    /// before the old one is given back.
    public func move(bookingID: Int64, to slotID: Int64, actor: Actor, now: Date, on connection: PostgresConnection) async throws -> Booking {
        guard let (currentSlot, currentSeat, status) = try await connection.first("""
            SELECT slot_id, seat, status FROM booking WHERE id = \(bookingID) FOR UPDATE
            """, as: (Int64, String, String).self, logger: logger) else { throw BookingError.notFound }
        guard status == "booked", let booking = try await bookings("b.id = $1", [bookingID], on: connection).first,
              booking.isOpen(at: now) else { throw BookingError.notChangeable }
        guard currentSlot != slotID else { return booking }
        try await connection.execute("SELECT id FROM slot WHERE id IN (\(currentSlot), \(slotID)) ORDER BY id FOR UPDATE", logger: logger)
        guard let target = try await bookingSlot(slotID, on: connection) else { throw BookingError.slotNotFound }
        guard target.purpose == booking.purpose else { throw BookingError.purposeMismatch }
        try check(target, for: actor, now: now)
        let seat = try await takeSeat(slotID, actor: actor, on: connection)
        try await releaseSeat(slotID: currentSlot, seat: currentSeat, on: connection)
        try await connection.execute("""
            UPDATE booking SET slot_id = \(slotID), seat = \(seat), version = version + 1, updated_at = now() WHERE id = \(bookingID)
            """, logger: logger)
        return try await bookings("b.id = $1", [bookingID], on: connection)[0]
    }

    /// Cancels an open booking and gives its seat back.
    public func cancel(bookingID: Int64, actor: Actor, now: Date, on connection: PostgresConnection) async throws {
        guard let (slotID, seat, endsAt) = try await connection.first("""
            UPDATE booking b SET status = 'cancelled', cancelled_at = \(now), cancelled_by = \(actor.isResident ? "resident" : "staff"),
                   version = version + 1, updated_at = now()
            FROM slot s WHERE b.id = \(bookingID) AND s.id = b.slot_id AND b.status = 'booked'
            RETURNING b.slot_id, b.seat, s.ends_at
            """, as: (Int64, String, Date).self, logger: logger) else { throw BookingError.notChangeable }
        // A resident cannot cancel a visit that is already over; staff can tidy up afterwards.
        if actor.isResident, endsAt <= now { throw BookingError.notChangeable }
        try await releaseSeat(slotID: slotID, seat: seat, on: connection)
    }

    /// Marks the person as arrived (消し込み). Only on the booking's own day; a no-show who turns
    /// up late can still be checked in.
    public func checkIn(bookingID: Int64, staffUserID: Int64?, now: Date, on connection: PostgresConnection) async throws -> Booking {
        guard let booking = try await bookings("b.id = $1", [bookingID], on: connection).first else { throw BookingError.notFound }
        guard booking.day == CalendarDate(now) else { throw BookingError.notToday(booking.day) }
        guard booking.status == .booked || booking.status == .noShow else {
            throw booking.status == .checkedIn ? BookingError.alreadyCheckedIn : BookingError.notChangeable
        }
        try await connection.execute("""
            UPDATE booking SET status = 'checked_in', checked_in_at = \(now), checked_in_by = \(staffUserID), version = version + 1,
                   updated_at = now()
            WHERE id = \(bookingID) AND status IN ('booked', 'no_show')
            """, logger: logger)
        return try await bookings("b.id = $1", [bookingID], on: connection)[0]
    }

    /// Takes back a check-in made by mistake.
    public func undoCheckIn(bookingID: Int64, on connection: PostgresConnection) async throws {
        guard try await connection.first("""
            UPDATE booking SET status = 'booked', checked_in_at = NULL, checked_in_by = NULL, version = version + 1, updated_at = now()
            WHERE id = \(bookingID) AND status = 'checked_in' RETURNING id
            """, as: (Int64).self, logger: logger) != nil else { throw BookingError.notChangeable }
    }

    /// At the end of the day: everyone still `booked` in a slot that has ended did not come.
    /// Their seats stay counted (the slot was held for them).
    public func markNoShows(locationID: Int64, day: CalendarDate, now: Date, on connection: PostgresConnection) async throws -> Int {
        try await connection.all("""
            UPDATE booking b SET status = 'no_show', version = version + 1, updated_at = now()
            FROM slot s WHERE s.id = b.slot_id AND s.location_id = \(locationID) AND s.day = \(day.description)::date
              AND s.ends_at <= \(now) AND b.status = 'booked'
            RETURNING b.id
            """, as: (Int64).self, logger: logger).count
    }

    /// Staff edit of the person's details, from `expectedVersion`.
    public func update(bookingID: Int64, input: BookingInput, expectedVersion: Int, on connection: PostgresConnection) async throws {
        let applicationID: String? = input.applicationID.isEmpty ? nil : input.applicationID
        guard try await connection.first("""
            UPDATE booking SET family_name = \(input.familyName), given_name = \(input.givenName), family_kana = \(input.familyKana),
                   given_kana = \(input.givenKana), birth_date = \(input.birthDate)::date, phone = \(input.phone), email = \(input.email),
                   application_id = \(applicationID), notice_number = \(input.noticeNumber), notes = \(input.notes),
                   version = version + 1, updated_at = now()
            WHERE id = \(bookingID) AND version = \(expectedVersion) RETURNING id
            """, as: (Int64).self, logger: logger) != nil else {
            let exists = try await bookings("b.id = $1", [bookingID], on: connection).isEmpty == false
            throw exists ? BookingError.staleVersion : BookingError.notFound
        }
    }

    // MARK: seats

    struct BookingSlot {
        var purpose: BookingPurpose
        var day: CalendarDate
        var startsAt: Date
        var endsAt: Date
        var withdrawn: Bool
        var opensDays: Int
        var closesHours: Int
    }

    func bookingSlot(_ slotID: Int64, on connection: PostgresConnection) async throws -> BookingSlot? {
        try await connection.first("""
            SELECT s.purpose, s.day::text, s.starts_at, s.ends_at, s.withdrawn, l.booking_opens_days, l.booking_closes_hours
            FROM slot s JOIN location l ON l.id = s.location_id WHERE s.id = \(slotID) AND l.active
            """, as: (String, String, Date, Date, Bool, Int, Int).self, logger: logger).map {
            BookingSlot(purpose: BookingPurpose(rawValue: $0.0) ?? .application, day: CalendarDate($0.1)!, startsAt: $0.2, endsAt: $0.3,
                       withdrawn: $0.4, opensDays: $0.5, closesHours: $0.6)
        }
    }

    /// Residents book inside the location's window; staff may book any slot not yet over.
    func check(_ slot: BookingSlot, for actor: Actor, now: Date) throws {
        if slot.withdrawn { throw BookingError.slotFull }
        if actor.isResident {
            guard BookingWindow(opensDays: slot.opensDays, closesHours: slot.closesHours).accepts(startsAt: slot.startsAt, day: slot.day, now: now)
            else { throw BookingError.outsideWindow }
        } else if slot.endsAt <= now {
            throw BookingError.outsideWindow
        }
    }

    /// Serialises bookings of one person (and one application ID) across all connections, so
    /// that the duplicate check and the caps cannot be raced by two requests at once.
    func lockPerson(_ input: BookingInput, on connection: PostgresConnection) async throws {
        var keys = ["person:\(input.kanaKey):\(input.birthDate)", "phone:\(input.phone)"]
        if !input.applicationID.isEmpty { keys.append("application:\(input.applicationID)") }
        if !input.email.isEmpty { keys.append("email:\(input.email.lowercased())") }
        // One round trip; taking them in key order keeps two bookings from deadlocking.
        try await connection.execute("""
            SELECT pg_advisory_xact_lock(hashtextextended(k, 7002)) FROM unnest(\(keys.sorted())::text[]) AS k ORDER BY k
            """, logger: logger)
    }

    func checkCaps(_ input: BookingInput, now: Date, on connection: PostgresConnection) async throws {
        guard let (person, contact) = try await connection.first("""
            SELECT count(*) FILTER (WHERE b.kana_key = \(input.kanaKey) AND b.birth_date = \(input.birthDate)::date),
                   count(*) FILTER (WHERE b.phone = \(input.phone) OR (\(input.email) <> '' AND lower(b.email) = lower(\(input.email))))
            FROM booking b JOIN slot s ON s.id = b.slot_id
            WHERE b.status = 'booked' AND s.ends_at > \(now)
              AND ((b.kana_key = \(input.kanaKey) AND b.birth_date = \(input.birthDate)::date) OR b.phone = \(input.phone)
                   OR (\(input.email) <> '' AND lower(b.email) = lower(\(input.email))))
            """, as: (Int, Int).self, logger: logger) else { return }
        if person >= policy.maxOpenPerPerson || contact >= policy.maxOpenPerContact { throw BookingError.tooManyOpenBookings }
    }

    /// The conditional UPDATE that is the whole capacity rule: it succeeds only while a seat is
    /// free, and the row lock it takes queues concurrent bookings of the same slot.
    func takeSeat(_ slotID: Int64, actor: Actor, on connection: PostgresConnection) async throws -> String {
        if !actor.isResident, try await connection.first("""
            UPDATE slot SET staff_booked = staff_booked + 1 WHERE id = \(slotID) AND NOT withdrawn AND staff_booked < staff_capacity
            RETURNING id
            """, as: (Int64).self, logger: logger) != nil {
            return "staff"
        }
        if try await connection.first("""
            UPDATE slot SET web_booked = web_booked + 1 WHERE id = \(slotID) AND NOT withdrawn AND web_booked < web_capacity RETURNING id
            """, as: (Int64).self, logger: logger) != nil {
            return "web"
        }
        throw BookingError.slotFull
    }

    func releaseSeat(slotID: Int64, seat: String, on connection: PostgresConnection) async throws {
        if seat == "staff" {
            try await connection.execute("UPDATE slot SET staff_booked = staff_booked - 1 WHERE id = \(slotID)", logger: logger)
        } else {
            try await connection.execute("UPDATE slot SET web_booked = web_booked - 1 WHERE id = \(slotID)", logger: logger)
        }
    }

    // MARK: resident access tokens

    /// After a resident proved code + date of birth: a token (cookie) for changing or cancelling
    /// that booking for the next 20 minutes. Only its hash is stored.
    public func grantAccess(bookingID: Int64, now: Date) async throws -> String {
        let token = SecureToken.generate()
        try await database.client.execute("""
            INSERT INTO booking_access (token_hash, booking_id, expires_at)
            VALUES (\(ByteBuffer(bytes: SecureToken.digest(token))), \(bookingID), \(now.addingTimeInterval(20 * 60)))
            """, logger: logger)
        try await database.client.execute("DELETE FROM booking_access WHERE expires_at < \(now)", logger: logger)
        return token
    }

    public func booking(accessToken: String, now: Date) async throws -> Booking? {
        guard let id = try await database.client.first("""
            SELECT booking_id FROM booking_access WHERE token_hash = \(ByteBuffer(bytes: SecureToken.digest(accessToken)))
              AND expires_at > \(now)
            """, as: (Int64).self, logger: logger) else { return nil }
        return try await find(id: id)
    }

    public func revokeAccess(_ accessToken: String) async throws {
        try await database.client.execute("""
            DELETE FROM booking_access WHERE token_hash = \(ByteBuffer(bytes: SecureToken.digest(accessToken)))
            """, logger: logger)
    }
}

