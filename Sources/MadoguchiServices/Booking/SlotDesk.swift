import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// Locations, their slot rules, extra openings and closures, and slot capacities (A7). Every
/// change is audited in its transaction and replans the location's slots at once, so residents
/// see it on their next click; the same checks run for the editor page and the staff API.
public struct SlotDesk: Sendable {
    let slots: SlotStore
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource
    /// False on the resident site: its role reads slots but cannot write them, so planning ahead
    /// is the staff side's work (on every change, and hourly by `serve`'s housekeeping).
    let plansSlots: Bool
    /// Bookings stranded in a slot a change withdraws are told so, in the planning transaction (#16).
    let notices: BookingNotices

    var withdrawn: SlotStore.WithdrawnBookings {
        let notices = notices
        return { ids, connection in try await notices.slotsWithdrawn(ids, on: connection) }
    }

    // MARK: reading

    public func locations() async throws -> [Location] { try await slots.locations() }
    public func location(id: Int64) async throws -> Location? { try await slots.location(id: id) }
    public func rules(locationID: Int64) async throws -> [SlotRule] { try await slots.rules(locationID: locationID) }
    public func closures(locationID: Int64) async throws -> [LocationClosure] { try await slots.closures(locationID: locationID) }
    public func slot(id: Int64) async throws -> Slot? { try await slots.slot(id: id) }

    /// Every slot of a location (both seat pools, withdrawn ones too) in a day range, planned first.
    public func slots(locationID: Int64, purpose: BookingPurpose?, from: CalendarDate, through: CalendarDate) async throws -> [Slot] {
        if plansSlots { try await slots.ensurePlanned(locationID: locationID, now: clock.now(), withdrawn: withdrawn) }
        return try await slots.slots(locationID: locationID, purpose: purpose, from: from, through: through)
    }

    /// The slots residents may book online: inside the location's booking window, not withdrawn.
    /// The calendar, the time list and the public availability API all read this.
    public func onlineSlots(_ location: Location, purpose: BookingPurpose, from: CalendarDate, through: CalendarDate) async throws -> [Slot] {
        let now = clock.now()
        let first = max(from, CalendarDate(now)), last = min(through, location.lastBookableDay(now: now))
        guard first <= last else { return [] }
        return try await slots(locationID: location.id, purpose: purpose, from: first, through: last)
            .filter { location.acceptsOnline(startsAt: $0.startsAt, day: $0.day, now: now) && !$0.withdrawn }
    }

    /// Plans every location's slots up to its booking horizon (the hourly housekeeping, so the
    /// resident site's calendar rolls forward even on days no staff member opens the editor).
    public func planAhead() async throws {
        for location in try await slots.locations() {
            try await slots.ensurePlanned(locationID: location.id, now: clock.now(), withdrawn: withdrawn)
        }
    }

    // MARK: changes

    /// Creates (`id` nil) or updates a location; refuses a name another location has.
    public func saveLocation(id: Int64?, _ settings: LocationSettings, caller: Caller) async throws -> Int64 {
        let clean: LocationSettings
        switch settings.validated() {
        case .failure(let invalid): throw invalid
        case .success(let value): clean = value
        }
        let saved = try await database.transaction { connection in
            let saved = try await slots.saveLocation(id: id, name: clean.name, address: clean.address, guidance: clean.guidance,
                                                     opensDays: clean.opensDays, closesHours: clean.closesHours, on: connection)
            try await audit.record(caller, id == nil ? "location.create" : "location.update", recordType: "location", recordID: String(saved),
                                   detail: clean.name, on: connection)
            return saved
        }
        try await slots.plan(locationID: saved, now: clock.now(), withdrawn: withdrawn)
        return saved
    }

    /// Adds a weekly rule, or an extra opening (臨時開庁) when the rule is for closed days.
    public func addRule(_ rule: SlotRule, caller: Caller) async throws -> SlotRule {
        let problems = rule.problems
        guard problems.isEmpty else { throw InvalidInput(problems) }
        let action = rule.onClosedDays ? "slot-rule.opening" : "slot-rule.create"
        let detail = "location=\(rule.locationID) \(rule.purpose.rawValue) \(SlotRule.clock(rule.startMinute))-\(SlotRule.clock(rule.endMinute))"
        var saved = rule
        saved.id = try await change(caller, locationID: rule.locationID, action: action, recordType: "slot_rule", detail: detail) { connection in
            try await slots.addRule(rule, createdBy: caller.userID, on: connection)
        }
        return saved
    }

    public func deleteRule(id: Int64, locationID: Int64, caller: Caller) async throws {
        _ = try await change(caller, locationID: locationID, action: "slot-rule.delete", recordType: "slot_rule", detail: "location=\(locationID)") { connection in
            try await slots.deleteRule(id: id, locationID: locationID, on: connection)
            return id
        }
    }

    /// Closes a location for a day or a range whatever its rules say; booked slots stay as withdrawn.
    public func addClosure(locationID: Int64, from: CalendarDate?, through: CalendarDate?, reason: String, caller: Caller) async throws -> LocationClosure {
        let problems = LocationClosure.problems(from: from, through: through, reason: reason)
        guard problems.isEmpty, let from, let through else { throw InvalidInput(problems) }
        let id = try await change(caller, locationID: locationID, action: "closure.create", recordType: "location_closure",
                                  detail: "\(from)..\(through)") { connection in
            try await slots.addClosure(locationID: locationID, from: from, through: through, reason: reason, createdBy: caller.userID,
                                       on: connection)
        }
        return LocationClosure(id: id, from: from, through: through, reason: reason)
    }

    public func deleteClosure(id: Int64, locationID: Int64, caller: Caller) async throws {
        _ = try await change(caller, locationID: locationID, action: "closure.delete", recordType: "location_closure", detail: "") { connection in
            try await slots.deleteClosure(id: id, locationID: locationID, on: connection)
            return id
        }
    }

    /// Sets one slot's seats by hand; kept when the rules are replanned, never below the seats taken.
    public func setCapacity(slotID: Int64, web: Int, staff: Int, caller: Caller) async throws -> Slot {
        try await database.transaction { connection in
            try await slots.setCapacity(slotID: slotID, web: web, staff: staff, on: connection)
            try await audit.record(caller, "slot.capacity", recordType: "slot", recordID: String(slotID), detail: "web=\(web) staff=\(staff)",
                                   on: connection)
        }
        guard let slot = try await slots.slot(id: slotID) else { throw SlotError.slotNotFound }
        return slot
    }

    /// Runs a change and its audit row in one transaction, then replans the location.
    func change(_ caller: Caller, locationID: Int64, action: String, recordType: String, detail: String,
                _ body: (PostgresConnection) async throws -> Int64) async throws -> Int64 {
        let id = try await database.transaction { connection in
            let id = try await body(connection)
            try await audit.record(caller, action, recordType: recordType, recordID: String(id), detail: detail, on: connection)
            return id
        }
        try await slots.plan(locationID: locationID, now: clock.now(), withdrawn: withdrawn)
        return id
    }
}

extension SlotDesk {
    /// The location of that name, created when there is none (operators' `location add`): the
    /// same checks as the editor page, and an existing name is kept as it is.
    public func ensureLocation(name: String, address: String, caller: Caller) async throws -> Int64 {
        switch LocationSettings(name: name, address: address).validated() {
        case .failure(let invalid): throw invalid
        case .success(let clean):
            if let existing = try await slots.locations().first(where: { $0.name == clean.name }) { return existing.id }
            return try await database.transaction { connection in
                let id = try await slots.ensureLocation(name: clean.name, address: clean.address, on: connection)
                try await audit.record(caller, "location.create", recordType: "location", recordID: String(id), detail: clean.name, on: connection)
                return id
            }
        }
    }
}
