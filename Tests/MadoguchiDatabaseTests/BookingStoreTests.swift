import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiTestSupport
import PostgresNIO
import Testing

@Suite("Booking capacity and duplicates under concurrency (A3, integrity)")
struct BookingStoreTests {
    @Test("a storm of 300 concurrent bookings fills the seats exactly; every other request is told the slot is full")
    func noOverbooking() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup: two slots with 5 web and 2 staff seats each (14 seats)
            let fixture = try await BookingFixture.make(db, web: 5, staff: 2)
            let slotIDs = try await fixture.slotIDs()
            #expect(slotIDs.count == 2)
            // act: residents and staff at once, all aiming at the same two slots
            let results = await withTaskGroup(of: Result<Booking, BookingError>.self) { group in
                for n in 0..<300 {
                    group.addTask {
                        await fixture.book(slotIDs[n % 2], BookingFixture.person(n),
                                           actor: n % 3 == 0 ? .staff(userID: nil, channel: .phone) : .resident)
                    }
                }
                var all: [Result<Booking, BookingError>] = []
                for await result in group { all.append(result) }
                return all
            }
            // check
            let booked = results.compactMap { try? $0.get() }
            let refusals = results.compactMap { if case .failure(let e) = $0 { e } else { nil } }
            #expect(booked.count == 14)
            #expect(refusals.count == 286)
            #expect(refusals.allSatisfy { $0 == .slotFull })
            #expect(Set(booked.map(\.code)).count == 14)
            #expect(try await fixture.inconsistentSlots().isEmpty)
            let slots = try await fixture.slots.slots(locationID: fixture.locationID, purpose: nil, from: fixture.day, through: fixture.day)
            #expect(slots.allSatisfy { $0.webBooked == 5 && $0.staffBooked == 2 })
        }
    }

    @Test("cancel and rebook at full capacity: each cancelled seat is taken exactly once")
    func cancelAndRebook() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup: one full slot of 6 web seats
            let fixture = try await BookingFixture.make(db, web: 6, staff: 0, slotCount: 1)
            let slot = try await fixture.slotIDs()[0]
            var held: [Booking] = []
            for n in 0..<6 { held.append(try await fixture.book(slot, BookingFixture.person(n)).get()) }
            // act: three cancellations race 40 new bookings
            let results = await withTaskGroup(of: Result<Booking, BookingError>?.self) { group in
                for booking in held.prefix(3) {
                    group.addTask {
                        try? await db.transaction { connection in
                            try await fixture.bookings.cancel(bookingID: booking.id, actor: .resident, now: fixture.now, on: connection)
                        }
                        return nil
                    }
                }
                for n in 100..<140 { group.addTask { await fixture.book(slot, BookingFixture.person(n)) } }
                var all: [Result<Booking, BookingError>] = []
                for await result in group { if let result { all.append(result) } }
                return all
            }
            // check: never more than 6 held; the counters agree with the rows
            let rebooked = results.compactMap { try? $0.get() }.count
            #expect(rebooked <= 3)
            let held2 = try await db.client.first("SELECT count(*) FROM booking WHERE slot_id = \(slot) AND status = 'booked'",
                                                  as: (Int).self, logger: db.logger)
            #expect(held2 == 3 + rebooked)
            #expect(try await fixture.inconsistentSlots().isEmpty)
            // once the races are over, the free seats are all bookable
            var extra = 0
            for n in 200..<210 where (try? await fixture.book(slot, BookingFixture.person(n)).get()) != nil { extra += 1 }
            #expect(rebooked + extra == 3)
        }
    }

    @Test("the same person booking 20 times at once gets one booking; staff may override the duplicate")
    func duplicateRace() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let fixture = try await BookingFixture.make(db, web: 50, staff: 5)
            let slotIDs = try await fixture.slotIDs()
            let person = BookingFixture.person(7)
            // act
            let results = await withTaskGroup(of: Result<Booking, BookingError>.self) { group in
                for n in 0..<20 { group.addTask { await fixture.book(slotIDs[n % 2], person) } }
                var all: [Result<Booking, BookingError>] = []
                for await result in group { all.append(result) }
                return all
            }
            // check
            let booked = results.compactMap { try? $0.get() }
            #expect(booked.count == 1)
            #expect(results.filter { if case .failure(.duplicate) = $0 { true } else { false } }.count == 19)
            // the same kana written in hiragana with a space is the same person
            var variant = person
            variant.familyKana = "しけん"
            variant.givenKana = " たろう"
            let clean = try variant.validated(purpose: .application, today: Date()).get()
            guard case .failure(.duplicate) = await fixture.book(slotIDs[1], clean) else {
                Issue.record("normalised kana was not recognised as the same person")
                return
            }
            let staffRefused = await fixture.book(slotIDs[1], person, actor: .staff(userID: nil, channel: .phone))
            #expect((try? staffRefused.get()) == nil)
            let overridden = try await fixture.book(slotIDs[1], person, actor: .staff(userID: nil, channel: .phone), override: true).get()
            #expect(overridden.duplicateOverride)
            #expect(try await fixture.inconsistentSlots().isEmpty)
        }
    }

    @Test("crossing moves between two full-ish slots neither deadlock nor lose seats")
    func crossingMoves() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup: 4 seats in each slot, 3 taken in each
            let fixture = try await BookingFixture.make(db, web: 4, staff: 0)
            let slotIDs = try await fixture.slotIDs()
            var inFirst: [Booking] = [], inSecond: [Booking] = []
            for n in 0..<3 { inFirst.append(try await fixture.book(slotIDs[0], BookingFixture.person(n)).get()) }
            for n in 3..<6 { inSecond.append(try await fixture.book(slotIDs[1], BookingFixture.person(n)).get()) }
            // act: everyone moves to the other slot at the same time
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for (booking, target) in inFirst.map({ ($0, slotIDs[1]) }) + inSecond.map({ ($0, slotIDs[0]) }) {
                    group.addTask {
                        do {
                            _ = try await db.transaction { connection in
                                try await fixture.bookings.move(bookingID: booking.id, to: target, actor: .resident, now: fixture.now, on: connection)
                            }
                            return true
                        } catch let error as BookingError {
                            return error == .slotFull ? false : true
                        } catch {
                            Issue.record("move failed: \(String(reflecting: error))")
                            return false
                        }
                    }
                }
                var all: [Bool] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            // check
            #expect(outcomes.count == 6)
            #expect(try await fixture.inconsistentSlots().isEmpty)
            let total = try await db.client.first("SELECT sum(web_booked) FROM slot WHERE location_id = \(fixture.locationID)",
                                                  as: (Int).self, logger: db.logger)
            #expect(total == 6)
        }
    }

    @Test("the open-booking cap per phone number holds on the public site")
    func contactCap() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let fixture = try await BookingFixture.make(db, web: 20, staff: 0, policy: .init(maxOpenPerPerson: 2, maxOpenPerContact: 3))
            let slot = try await fixture.slotIDs()[0]
            // act: five family members share one phone
            var outcomes: [Result<Booking, BookingError>] = []
            for n in 0..<5 { outcomes.append(await fixture.book(slot, BookingFixture.person(n, phone: "0424000000"))) }
            // check
            #expect(outcomes.filter { (try? $0.get()) != nil }.count == 3)
            guard case .failure(.tooManyOpenBookings) = outcomes[4] else {
                Issue.record("the fourth booking on one phone was not refused")
                return
            }
        }
    }

    @Test("replanning keeps booked slots (withdrawn) and hand-set capacities")
    func replanning() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let fixture = try await BookingFixture.make(db, web: 3, staff: 1)
            let slotIDs = try await fixture.slotIDs()
            _ = try await fixture.book(slotIDs[0], BookingFixture.person(1)).get()
            try await db.transaction { connection in
                try await fixture.slots.setCapacity(slotID: slotIDs[1], web: 9, staff: 0, on: connection)
            }
            // act: below the seats taken is refused; then a closure covers the day
            await #expect(throws: SlotError.capacityBelowBooked) {
                try await db.transaction { connection in try await fixture.slots.setCapacity(slotID: slotIDs[0], web: 0, staff: 0, on: connection) }
            }
            try await db.transaction { connection in
                _ = try await fixture.slots.addClosure(locationID: fixture.locationID, from: fixture.day, through: fixture.day, reason: "工事",
                                                       createdBy: nil, on: connection)
            }
            try await fixture.slots.plan(locationID: fixture.locationID, now: fixture.now)
            // check: the booked slot stays, withdrawn and not bookable; the empty one is gone
            let after = try await fixture.slots.slots(locationID: fixture.locationID, purpose: nil, from: fixture.day, through: fixture.day)
            #expect(after.map(\.id) == [slotIDs[0]])
            #expect(after[0].withdrawn)
            guard case .failure(.slotFull) = await fixture.book(slotIDs[0], BookingFixture.person(2)) else {
                Issue.record("a withdrawn slot took a booking")
                return
            }
        }
    }

    @Test("the same booking moved five ways at once ends in one slot, and every seat counter agrees")
    func sameBookingMovedConcurrently() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup: six slots; one booking in the first
            let fixture = try await BookingFixture.make(db, web: 3, staff: 0, slotCount: 6)
            let slotIDs = try await fixture.slotIDs()
            let booking = try await fixture.book(slotIDs[0], BookingFixture.person(1)).get()
            // act: a double click, a second tab, staff on the phone… all at once
            await withTaskGroup(of: Void.self) { group in
                for target in slotIDs.dropFirst() {
                    group.addTask {
                        _ = try? await db.transaction { connection in
                            try await fixture.bookings.move(bookingID: booking.id, to: target, actor: .resident, now: fixture.now, on: connection)
                        }
                    }
                }
            }
            // check: one seat held in all, where the booking is
            let after = try await fixture.slots.slots(locationID: fixture.locationID, purpose: nil, from: fixture.day, through: fixture.day)
            #expect(after.reduce(0) { $0 + $1.booked } == 1)
            #expect(try await fixture.inconsistentSlots().isEmpty)
        }
    }
}
