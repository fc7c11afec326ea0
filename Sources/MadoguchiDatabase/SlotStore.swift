import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Slot rules, closures and the booking window per location (A7), and the slots planned from
/// them. Slots are materialised ahead of the booking window so that capacity can be enforced on
/// one row per slot (see BookingStore).
public struct SlotStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    // MARK: locations

    static let locationColumns = "id, name, address, guidance, booking_opens_days, booking_closes_hours"

    static func decodeLocation(_ row: (Int64, String, String, String, Int, Int)) -> Location {
        Location(id: row.0, name: row.1, address: row.2, guidance: row.3, opensDays: row.4, closesHours: row.5)
    }

    public func locations() async throws -> [Location] {
        try await database.client.all(PostgresQuery(unsafeSQL: "SELECT \(Self.locationColumns) FROM location WHERE active ORDER BY sort_order, id"),
                                      as: (Int64, String, String, String, Int, Int).self, logger: logger).map(Self.decodeLocation)
    }

    public func location(id: Int64) async throws -> Location? {
        var query = PostgresQuery(unsafeSQL: "SELECT \(Self.locationColumns) FROM location WHERE id = $1 AND active")
        query.binds.append(id)
        return try await database.client.first(query, as: (Int64, String, String, String, Int, Int).self, logger: logger)
            .map(Self.decodeLocation)
    }

    /// Creates a location (or updates the one with that name) with its booking settings.
    public func saveLocation(id: Int64?, name: String, address: String, guidance: String, opensDays: Int, closesHours: Int,
                             on connection: PostgresConnection) async throws -> Int64 {
        if let id {
            if try await connection.first("SELECT id FROM location WHERE name = \(name) AND id <> \(id)", as: (Int64).self, logger: logger) != nil {
                throw SlotError.duplicateName
            }
            guard let saved = try await connection.first("""
                UPDATE location SET name = \(name), address = \(address), guidance = \(guidance), booking_opens_days = \(opensDays),
                       booking_closes_hours = \(closesHours), slots_planned_through = NULL
                WHERE id = \(id) RETURNING id
                """, as: (Int64).self, logger: logger) else { throw SlotError.locationNotFound }
            return saved
        }
        // A second location of the same name is refused, never merged into the first.
        guard let id = try await connection.first("""
            INSERT INTO location (name, address, guidance, booking_opens_days, booking_closes_hours)
            VALUES (\(name), \(address), \(guidance), \(opensDays), \(closesHours))
            ON CONFLICT (name) DO NOTHING
            RETURNING id
            """, as: (Int64).self, logger: logger) else { throw SlotError.duplicateName }
        return id
    }

    public func ensureLocation(name: String, address: String, on db: any SQLExecutor) async throws -> Int64 {
        try await db.first("""
            INSERT INTO location (name, address) VALUES (\(name), \(address))
            ON CONFLICT (name) DO UPDATE SET address = location.address RETURNING id
            """, as: (Int64).self, logger: logger) ?? 0
    }

    // MARK: rules and closures

    public func rules(locationID: Int64) async throws -> [SlotRule] {
        try await rules(locationID: locationID, on: database.client)
    }

    func rules(locationID: Int64, on executor: some SQLExecutor) async throws -> [SlotRule] {
        try await executor.all("""
            SELECT id, purpose, weekdays::int[], (extract(epoch FROM starts) / 60)::int, (extract(epoch FROM ends) / 60)::int,
                   slot_minutes, web_capacity, staff_capacity, valid_from::text, valid_until::text, on_closed_days, note
            FROM slot_rule WHERE location_id = \(locationID) ORDER BY on_closed_days, valid_from, starts, id
            """, as: (Int64, String, [Int], Int, Int, Int, Int, Int, String, String?, Bool, String).self, logger: logger).map { row in
            SlotRule(id: row.0, locationID: locationID, purpose: BookingPurpose(rawValue: row.1) ?? .application, weekdays: Set(row.2),
                     startMinute: row.3, endMinute: row.4, slotMinutes: row.5, webCapacity: row.6, staffCapacity: row.7,
                     validFrom: CalendarDate(row.8)!, validUntil: row.9.flatMap(CalendarDate.init), onClosedDays: row.10, note: row.11)
        }
    }

    public func addRule(_ rule: SlotRule, createdBy: Int64?, on connection: PostgresConnection) async throws -> Int64 {
        let weekdays = rule.weekdays.sorted()
        let starts = SlotRule.clock(rule.startMinute), ends = rule.endMinute == 24 * 60 ? "24:00" : SlotRule.clock(rule.endMinute)
        guard let id = try await connection.first("""
            INSERT INTO slot_rule (location_id, purpose, weekdays, starts, ends, slot_minutes, web_capacity, staff_capacity, valid_from,
                                   valid_until, on_closed_days, note, created_by)
            SELECT \(rule.locationID), \(rule.purpose.rawValue), \(weekdays)::smallint[], \(starts)::time, \(ends)::time,
                   \(rule.slotMinutes), \(rule.webCapacity), \(rule.staffCapacity), \(rule.validFrom.description)::date,
                   \(rule.validUntil?.description)::date, \(rule.onClosedDays), \(rule.note), \(createdBy)
            FROM location WHERE id = \(rule.locationID)
            RETURNING id
            """, as: (Int64).self, logger: logger) else { throw SlotError.locationNotFound }
        try await markUnplanned(locationID: rule.locationID, on: connection)
        return id
    }

    public func deleteRule(id: Int64, locationID: Int64, on connection: PostgresConnection) async throws {
        guard try await connection.first("DELETE FROM slot_rule WHERE id = \(id) AND location_id = \(locationID) RETURNING id",
                                         as: (Int64).self, logger: logger) != nil else { throw SlotError.ruleNotFound }
        try await markUnplanned(locationID: locationID, on: connection)
    }

    public func closures(locationID: Int64) async throws -> [LocationClosure] {
        try await closures(locationID: locationID, on: database.client)
    }

    func closures(locationID: Int64, on executor: some SQLExecutor) async throws -> [LocationClosure] {
        try await executor.all("""
            SELECT id, starts_on::text, ends_on::text, reason FROM location_closure WHERE location_id = \(locationID) ORDER BY starts_on, id
            """, as: (Int64, String, String, String).self, logger: logger).map {
            LocationClosure(id: $0.0, from: CalendarDate($0.1)!, through: CalendarDate($0.2)!, reason: $0.3)
        }
    }

    public func addClosure(locationID: Int64, from: CalendarDate, through: CalendarDate, reason: String, createdBy: Int64?,
                           on connection: PostgresConnection) async throws -> Int64 {
        guard let id = try await connection.first("""
            INSERT INTO location_closure (location_id, starts_on, ends_on, reason, created_by)
            SELECT id, \(from.description)::date, \(through.description)::date, \(reason), \(createdBy) FROM location WHERE id = \(locationID)
            RETURNING id
            """, as: (Int64).self, logger: logger) else { throw SlotError.locationNotFound }
        try await markUnplanned(locationID: locationID, on: connection)
        return id
    }

    public func deleteClosure(id: Int64, locationID: Int64, on connection: PostgresConnection) async throws {
        guard try await connection.first("DELETE FROM location_closure WHERE id = \(id) AND location_id = \(locationID) RETURNING id",
                                         as: (Int64).self, logger: logger) != nil else { throw SlotError.closureNotFound }
        try await markUnplanned(locationID: locationID, on: connection)
    }

    func markUnplanned(locationID: Int64, on connection: PostgresConnection) async throws {
        try await connection.execute("UPDATE location SET slots_planned_through = NULL WHERE id = \(locationID)", logger: logger)
    }

    // MARK: planning

    /// Plans the location's slots through the end of its booking window unless that was done
    /// today already; cheap to call before every availability query.
    public func ensurePlanned(locationID: Int64, now: Date, withdrawn: WithdrawnBookings? = nil) async throws {
        let today = CalendarDate(now)
        guard let (through, opens) = try await database.client.first("""
            SELECT slots_planned_through::text, booking_opens_days FROM location WHERE id = \(locationID)
            """, as: (String?, Int).self, logger: logger) else { throw SlotError.locationNotFound }
        let needed = today.adding(days: opens + 1)!
        if let through = through.flatMap(CalendarDate.init), through >= needed { return }
        try await plan(locationID: locationID, now: now, onlyIfBehind: true, withdrawn: withdrawn)
    }

    /// Called inside a planning transaction with the bookings whose slots it has just withdrawn
    /// (a closure, a rule removed), so that their notices commit with the withdrawal.
    public typealias WithdrawnBookings = @Sendable ([Int64], PostgresConnection) async throws -> Void

    /// Brings the slots from today through the booking window in line with the rules: new slots
    /// are added, capacities follow the rules (never below the seats already taken, and not for a
    /// slot whose capacity was set by hand), and slots the rules no longer give are removed, or
    /// withdrawn when they hold bookings. Past slots are history and left alone.
    @discardableResult
    public func plan(locationID: Int64, now: Date, onlyIfBehind: Bool = false, withdrawn: WithdrawnBookings? = nil) async throws -> Int {
        try await database.transaction { connection in
            // One planner per location at a time, on any instance.
            try await connection.execute("SELECT pg_advisory_xact_lock(7001, \(Int32(truncatingIfNeeded: locationID)))", logger: logger)
            guard let (opens, plannedThrough) = try await connection.first("""
                SELECT booking_opens_days, slots_planned_through::text FROM location WHERE id = \(locationID) FOR UPDATE
                """, as: (Int, String?).self, logger: logger) else { throw SlotError.locationNotFound }
            let today = CalendarDate(now)
            let through = today.adding(days: opens + 1)!
            // Callers that queued on the lock behind another planner find the work done.
            if onlyIfBehind, let done = plannedThrough.flatMap(CalendarDate.init), done >= through { return 0 }
            let rules = try await rules(locationID: locationID, on: connection)
            let closures = try await closures(locationID: locationID, on: connection)
            let planned = SlotPlanner(rules: rules, closures: closures.map { .init(from: $0.from, through: $0.through) })
                .plan(from: today, through: through)
            let withdrawnBefore = try await connection.all("""
                SELECT id FROM slot WHERE location_id = \(locationID) AND day >= \(today.description)::date AND withdrawn
                """, as: (Int64).self, logger: logger)
            // Every future slot is withdrawn first and those the rules give are taken back below;
            // that includes slots beyond a window that has since been shortened.
            try await connection.execute("""
                UPDATE slot SET withdrawn = true WHERE location_id = \(locationID) AND day >= \(today.description)::date AND NOT withdrawn
                """, logger: logger)
            try await connection.execute("""
                INSERT INTO slot (location_id, purpose, day, starts_at, ends_at, web_capacity, staff_capacity)
                SELECT \(locationID), p, d, to_timestamp(s), to_timestamp(e), w, st
                FROM unnest(\(planned.map(\.purpose.rawValue))::text[], \(planned.map(\.day.description))::date[],
                            \(planned.map(\.startsAt.timeIntervalSince1970))::float8[], \(planned.map(\.endsAt.timeIntervalSince1970))::float8[],
                            \(planned.map(\.webCapacity))::int[], \(planned.map(\.staffCapacity))::int[]) AS t(p, d, s, e, w, st)
                ON CONFLICT (location_id, purpose, starts_at) DO UPDATE SET
                    ends_at = EXCLUDED.ends_at,
                    web_capacity = CASE WHEN slot.capacity_overridden THEN slot.web_capacity
                                        ELSE greatest(EXCLUDED.web_capacity, slot.web_booked) END,
                    staff_capacity = CASE WHEN slot.capacity_overridden THEN slot.staff_capacity
                                          ELSE greatest(EXCLUDED.staff_capacity, slot.staff_booked) END,
                    withdrawn = false
                """, logger: logger)
            try await connection.execute("""
                DELETE FROM slot s WHERE s.location_id = \(locationID) AND s.withdrawn AND s.day >= \(today.description)::date
                  AND NOT EXISTS (SELECT 1 FROM booking b WHERE b.slot_id = s.id)
                """, logger: logger)
            if let withdrawn {
                let stranded = try await connection.all("""
                    SELECT b.id FROM booking b JOIN slot s ON s.id = b.slot_id
                    WHERE s.location_id = \(locationID) AND s.day >= \(today.description)::date AND s.withdrawn AND b.status = 'booked'
                      AND NOT (s.id = ANY(\(withdrawnBefore)))
                    """, as: (Int64).self, logger: logger)
                if !stranded.isEmpty { try await withdrawn(stranded, connection) }
            }
            try await connection.execute("""
                UPDATE location SET slots_planned_through = \(through.description)::date, slots_planned_at = now() WHERE id = \(locationID)
                """, logger: logger)
            return planned.count
        }
    }

    // MARK: slots

    static let slotColumns = """
        SELECT id, location_id, purpose, day::text, starts_at, ends_at, web_capacity, web_booked, staff_capacity, staff_booked,
               capacity_overridden, withdrawn FROM slot
        """

    static func decodeSlot(_ r: (Int64, Int64, String, String, Date, Date, Int, Int, Int, Int, Bool, Bool)) -> Slot {
        Slot(id: r.0, locationID: r.1, purpose: BookingPurpose(rawValue: r.2) ?? .application, day: CalendarDate(r.3)!, startsAt: r.4,
             endsAt: r.5, webCapacity: r.6, webBooked: r.7, staffCapacity: r.8, staffBooked: r.9, capacityOverridden: r.10, withdrawn: r.11)
    }

    typealias SlotRow = (Int64, Int64, String, String, Date, Date, Int, Int, Int, Int, Bool, Bool)

    /// The slots of a location for a purpose (or both) from `from` through `through`, in time order.
    public func slots(locationID: Int64, purpose: BookingPurpose?, from: CalendarDate, through: CalendarDate) async throws -> [Slot] {
        var query = PostgresQuery(unsafeSQL: Self.slotColumns + """
             WHERE location_id = $1 AND day BETWEEN $2::date AND $3::date AND ($4::text IS NULL OR purpose = $4)
             ORDER BY starts_at, purpose
            """)
        query.binds.append(locationID)
        query.binds.append(from.description)
        query.binds.append(through.description)
        query.binds.append(purpose?.rawValue)
        return try await database.client.all(query, as: SlotRow.self, logger: logger).map(Self.decodeSlot)
    }

    public func slot(id: Int64) async throws -> Slot? {
        var query = PostgresQuery(unsafeSQL: Self.slotColumns + " WHERE id = $1")
        query.binds.append(id)
        return try await database.client.first(query, as: SlotRow.self, logger: logger).map(Self.decodeSlot)
    }

    /// Sets the capacity of one slot by hand; it is then kept when the rules are replanned.
    /// Never below the seats already taken.
    public func setCapacity(slotID: Int64, web: Int, staff: Int, on connection: PostgresConnection) async throws {
        guard (0...500).contains(web), (0...500).contains(staff) else { throw SlotError.capacityBelowBooked }
        guard try await connection.first("SELECT id FROM slot WHERE id = \(slotID)", as: (Int64).self, logger: logger) != nil
        else { throw SlotError.slotNotFound }
        guard try await connection.first("""
            UPDATE slot SET web_capacity = \(web), staff_capacity = \(staff), capacity_overridden = true
            WHERE id = \(slotID) AND web_booked <= \(web) AND staff_booked <= \(staff) RETURNING id
            """, as: (Int64).self, logger: logger) != nil else { throw SlotError.capacityBelowBooked }
    }
}
