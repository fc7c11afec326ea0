import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// A location with one bookable morning a few days ahead, for the booking store tests.
struct BookingFixture {
    let database: Database
    let slots: SlotStore
    let bookings: BookingStore
    let locationID: Int64
    let day: CalendarDate
    let now: Date

    /// `slotCount` slots of 30 minutes from 09:00 on a day three days ahead (an extra opening, so
    /// it is bookable whatever the calendar says), each with the given seats.
    static func make(_ database: Database, web: Int, staff: Int, slotCount: Int = 2, policy: BookingStore.Policy = .init())
        async throws -> BookingFixture {
        let slots = SlotStore(database: database)
        let now = Date()
        let day = CalendarDate(now).adding(days: 3)!
        let locationID = try await database.transaction { connection in
            let id = try await slots.saveLocation(id: nil, name: "テスト庁舎 \(UUID().uuidString.prefix(6))", address: "", guidance: "",
                                                  opensDays: 30, closesHours: 24, on: connection)
            _ = try await slots.addRule(SlotRule(locationID: id, purpose: .application, weekdays: Set(0...6), startMinute: 9 * 60,
                                                 endMinute: 9 * 60 + 30 * slotCount, slotMinutes: 30, webCapacity: web, staffCapacity: staff,
                                                 validFrom: day, validUntil: day, onClosedDays: true), createdBy: nil, on: connection)
            return id
        }
        try await slots.plan(locationID: locationID, now: now)
        return BookingFixture(database: database, slots: slots, bookings: BookingStore(database: database, policy: policy),
                              locationID: locationID, day: day, now: now)
    }

    func slotIDs() async throws -> [Int64] {
        try await slots.slots(locationID: locationID, purpose: .application, from: day, through: day).map(\.id)
    }

    /// A different valid person for each `n`.
    static func person(_ n: Int, phone: String? = nil) -> BookingInput {
        let birth = CalendarDate(year: 1950, month: 1, day: 1)!.adding(days: n)!
        return BookingInput(familyName: "試験", givenName: "\(n)", familyKana: "シケン", givenKana: "タロウ", birthDate: birth.description,
                            phone: phone ?? String(format: "090%08d", n))
    }

    /// Books and reports the error instead of throwing it.
    func book(_ slotID: Int64, _ input: BookingInput, actor: BookingStore.Actor = .resident, override: Bool = false)
        async -> Result<Booking, BookingError> {
        do {
            return .success(try await database.transaction { connection in
                try await bookings.create(slotID: slotID, input: input, actor: actor, overrideDuplicate: override, now: now, on: connection)
            })
        } catch let error as BookingError {
            return .failure(error)
        } catch {
            Issue.record("unexpected error: \(String(reflecting: error))")
            return .failure(.notFound)
        }
    }

    /// For every slot of the location: seats held never exceed capacity, and the counters agree
    /// with the bookings that hold a seat. Returns the rows that break either rule.
    func inconsistentSlots() async throws -> [Int64] {
        try await database.client.all("""
            SELECT s.id FROM slot s
            LEFT JOIN LATERAL (
                SELECT count(*) FILTER (WHERE b.seat = 'web') AS web, count(*) FILTER (WHERE b.seat = 'staff') AS staff
                FROM booking b WHERE b.slot_id = s.id AND b.status <> 'cancelled') c ON true
            WHERE s.location_id = \(locationID)
              AND (s.web_booked <> c.web OR s.staff_booked <> c.staff OR s.web_booked > s.web_capacity OR s.staff_booked > s.staff_capacity)
            """, as: (Int64).self, logger: database.logger)
    }
}

import Testing
