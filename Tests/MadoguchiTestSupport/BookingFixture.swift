import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// A location with one bookable morning a few days ahead: the booking tests of the stores and of
/// the sites start from it.
public struct BookingFixture: Sendable {
    public let database: Database
    public let slots: SlotStore
    public let bookings: BookingStore
    public let locationID: Int64
    public let day: CalendarDate
    public let now: Date
    public let purpose: BookingPurpose

    /// `slotCount` slots of 30 minutes from 09:00 on a day three days ahead (an extra opening, so
    /// it is bookable whatever the calendar says), each with the given seats, for `purpose`.
    public static func make(_ database: Database, purpose: BookingPurpose = .application, web: Int, staff: Int, slotCount: Int = 2,
                            name: String? = nil, now: Date = Date(), policy: BookingStore.Policy = .init()) async throws -> BookingFixture {
        let slots = SlotStore(database: database)
        let day = CalendarDate(now).adding(days: 3)!
        let locationID = try await database.transaction { connection in
            let id = try await slots.saveLocation(id: nil, name: name ?? "テスト庁舎 \(UUID().uuidString.prefix(6))", address: "西東京市南町5-6-13",
                                                  guidance: "", opensDays: 30, closesHours: 24, on: connection)
            _ = try await slots.addRule(SlotRule(locationID: id, purpose: purpose, weekdays: Set(0...6), startMinute: 9 * 60,
                                                 endMinute: 9 * 60 + 30 * slotCount, slotMinutes: 30, webCapacity: web, staffCapacity: staff,
                                                 validFrom: day, validUntil: day, onClosedDays: true), createdBy: nil, on: connection)
            return id
        }
        try await slots.plan(locationID: locationID, now: now)
        return BookingFixture(database: database, slots: slots, bookings: BookingStore(database: database, policy: policy),
                              locationID: locationID, day: day, now: now, purpose: purpose)
    }

    public func slotIDs() async throws -> [Int64] {
        try await slots.slots(locationID: locationID, purpose: purpose, from: day, through: day).map(\.id)
    }

    /// A different valid person for each `n`.
    public static func person(_ n: Int, phone: String? = nil) -> BookingInput {
        let birth = CalendarDate(year: 1950, month: 1, day: 1)!.adding(days: n)!
        return BookingInput(familyName: "試験", givenName: "\(n)", familyKana: "シケン", givenKana: "タロウ", birthDate: birth.description,
                            phone: phone ?? String(format: "090%08d", n))
    }

    /// Books and reports the error instead of throwing it.
    public func book(_ slotID: Int64, _ input: BookingInput, actor: BookingStore.Actor = .resident, override: Bool = false)
        async -> Result<Booking, BookingError> {
        let ledger = LedgerStore(database: database, storage: StorageStore(database: database))
        do {
            return .success(try await database.transaction { connection in
                try await bookings.create(slotID: slotID, input: input, actor: actor, overrideDuplicate: override, now: now,
                                          pickupCheck: { input, connection in
                                              try await ledger.pickupCheck(applicationID: input.applicationID, kanaKey: input.kanaKey,
                                                                           birthDate: input.birthDate, on: connection)
                                          }, on: connection)
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
    public func inconsistentSlots() async throws -> [Int64] {
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
