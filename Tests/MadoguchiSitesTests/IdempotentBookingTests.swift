import Foundation
import HTTPTypes
import Testing

/// #14: a resident's booking POST with an Idempotency-Key books once, however often it is sent.
@Suite("Idempotent booking requests")
struct IdempotentBookingTests {
    static func headers(_ key: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[HTTPField.Name("Idempotency-Key")!] = key
        return headers
    }

    @Test("a retry with the same key gets the same booking (201, same code) and takes no second seat")
    func retried() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup
            let bookable = try await BookableDay.make(site, web: 5, staff: 0, slotCount: 1)
            let key = UUID().uuidString
            var api = Browser(resident)
            // act
            let first = try await api.json("/api/v1/public/bookings", method: .post, People.json(1, slot: bookable.slotIDs[0]), headers: Self.headers(key))
            let again = try await api.json("/api/v1/public/bookings", method: .post, People.json(1, slot: bookable.slotIDs[0]), headers: Self.headers(key))
            // check
            #expect(first.status == .created && again.status == .created)
            #expect(first.json["code"] as? String != nil)
            #expect(again.json["code"] as? String == first.json["code"] as? String)
            let slot = try #require(try await site.stores.slots.slot(id: bookable.slotIDs[0]))
            #expect(slot.webBooked == 1)
            #expect(try await site.auditActions().filter { $0 == "booking.create" }.count == 1)
        }
    }

    @Test("twenty copies of one request at once: one booking, every answer names it")
    func concurrentTwins() async throws {
        try await SiteHarness.run(configure: { $0.bookingAttemptsPerAddressPerHour = 1000 }) { site, _, resident in
            // setup
            let bookable = try await BookableDay.make(site, web: 5, staff: 0, slotCount: 1)
            let key = UUID().uuidString
            // act
            let codes = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        var api = Browser(resident)
                        let page = try await api.json("/api/v1/public/bookings", method: .post, People.json(7, slot: bookable.slotIDs[0]),
                                                      headers: Self.headers(key))
                        return (page.status, page.json["code"] as? String)
                    }
                }
                var all: [(HTTPResponse.Status, String?)] = []
                for try await answer in group { all.append(answer) }
                return all
            }
            // check
            #expect(codes.allSatisfy { $0.0 == .created }, "\(codes.map(\.0))")
            #expect(Set(codes.compactMap(\.1)).count == 1)
            let held = try await site.stores.bookings.day(locationID: bookable.locationID, day: bookable.day).filter { $0.status == .booked }
            #expect(held.count == 1)
        }
    }

    @Test("the same key for another person is refused (422) and books nothing; a malformed key is named")
    func reusedKey() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup
            let bookable = try await BookableDay.make(site, web: 5, staff: 0, slotCount: 1)
            let key = UUID().uuidString
            var api = Browser(resident)
            _ = try await api.json("/api/v1/public/bookings", method: .post, People.json(1, slot: bookable.slotIDs[0]), headers: Self.headers(key))
            // act
            let other = try await api.json("/api/v1/public/bookings", method: .post, People.json(2, slot: bookable.slotIDs[0]), headers: Self.headers(key))
            let malformed = try await api.json("/api/v1/public/bookings", method: .post, People.json(3, slot: bookable.slotIDs[0]),
                                               headers: Self.headers("short key!"))
            // check
            #expect(other.status == .unprocessableContent)
            #expect((other.json["type"] as? String)?.hasSuffix("idempotency-key-reused") == true)
            #expect(malformed.status == .unprocessableContent)
            #expect(malformed.body.contains("Idempotency-Key"))
            let slot = try #require(try await site.stores.slots.slot(id: bookable.slotIDs[0]))
            #expect(slot.webBooked == 1)
        }
    }
}
