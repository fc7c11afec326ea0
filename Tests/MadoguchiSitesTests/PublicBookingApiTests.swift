import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDatabase
import MadoguchiDomain
import Testing

@Suite("Public booking API (A1 over JSON)")
struct PublicBookingApiTests {
    @Test("locations, availability, book 201, duplicate 409, full 409, invalid 422, look up and cancel with date of birth")
    func flow() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup
            let bookable = try await BookableDay.make(site, web: 2, staff: 1, slotCount: 1)
            var api = Browser(resident)
            // act + check: discovery
            let locations = try await api.json("/api/v1/public/locations")
            #expect(locations.jsonArray.contains { $0["id"] as? Int == Int(bookable.locationID) })
            let availability = try await api.json("/api/v1/public/availability?location=\(bookable.locationID)&purpose=application&from=\(bookable.day)&to=\(bookable.day)")
            let slots = availability.json["slots"] as? [[String: Any]] ?? []
            #expect(slots.count == 1)
            #expect(slots.first?["available"] as? Int == 2)
            // booking
            let created = try await api.json("/api/v1/public/bookings", method: .post, People.json(1, slot: bookable.slotIDs[0]))
            #expect(created.status == .created)
            let code = try #require(created.json["code"] as? String)
            let duplicate = try await api.json("/api/v1/public/bookings", method: .post, People.json(1, slot: bookable.slotIDs[0]))
            #expect(duplicate.status == .conflict)
            #expect(duplicate.body.contains("/problems/duplicate-booking"))
            #expect(!duplicate.body.contains(code), "the refusal does not reveal the other booking")
            #expect(try await api.json("/api/v1/public/bookings", method: .post, People.json(2, slot: bookable.slotIDs[0])).status == .created)
            let full = try await api.json("/api/v1/public/bookings", method: .post, People.json(3, slot: bookable.slotIDs[0]))
            #expect(full.status == .conflict)
            #expect(full.body.contains("/problems/slot-full"))
            var bad = People.json(4, slot: bookable.slotIDs[0])
            bad["familyKana"] = "Juumin"
            bad["phone"] = "abc"
            bad["notes"] = "1234 5678 9018"
            let invalid = try await api.json("/api/v1/public/bookings", method: .post, bad)
            #expect(invalid.status == .unprocessableContent)
            let fields = Set(((invalid.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["familyKana", "phone", "notes"])
            #expect(try await api.json("/api/v1/public/bookings", method: .post, ["slotId": 999_999] as [String: Any]).status == .notFound)
            // look up and cancel
            let birth = People.json(1, slot: 0)["birthDate"] as! String
            #expect(try await api.json("/api/v1/public/bookings/\(code)?birthDate=1999-01-01").status == .notFound)
            #expect(try await api.json("/api/v1/public/bookings/AAAAAAAAAA?birthDate=\(birth)").status == .notFound)
            var byHeader = HTTPFields()
            byHeader[HTTPField.Name("X-Birth-Date")!] = birth
            let shown = try await api.json("/api/v1/public/bookings/\(code)", headers: byHeader)
            #expect(shown.status == .ok)
            #expect(shown.json["status"] as? String == "booked")
            let cancelled = try await api.json("/api/v1/public/bookings/\(code)", method: .delete, ["birthDate": birth])
            #expect(cancelled.json["status"] as? String == "cancelled")
            #expect(try await api.json("/api/v1/public/bookings/\(code)?birthDate=\(birth)", method: .delete).status == .conflict)
            // the freed seat can be booked again
            #expect(try await api.json("/api/v1/public/bookings", method: .post, People.json(3, slot: bookable.slotIDs[0])).status == .created)
        }
    }

    @Test("a storm of 120 concurrent API bookings at 5 seats: 5 × 201, the rest 409 slot-full, counts agree")
    func storm() async throws {
        try await SiteHarness.run(configure: { $0.bookingAttemptsPerAddressPerHour = 1000 }) { site, _, resident in
            // setup
            let bookable = try await BookableDay.make(site, web: 5, staff: 0, slotCount: 1)
            // act
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for n in 0..<120 {
                    group.addTask {
                        var api = Browser(resident)
                        return try await api.json("/api/v1/public/bookings", method: .post, People.json(n, slot: bookable.slotIDs[0])).status
                    }
                }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
            // check
            #expect(statuses.filter { $0 == .created }.count == 5)
            #expect(statuses.filter { $0 == .conflict }.count == 115)
            let slot = try #require(try await site.stores.slots.slot(id: bookable.slotIDs[0]))
            let held = try await site.stores.bookings.day(locationID: bookable.locationID, day: bookable.day).filter { $0.status == .booked }
            #expect(slot.webBooked == 5 && held.count == 5)
        }
    }

    @Test("rate limits per address answer 429 and are kept in PostgreSQL")
    func rateLimits() async throws {
        try await SiteHarness.run(configure: { $0.bookingLookupsPerAddressPerHour = 3 }) { site, _, resident in
            var api = Browser(resident)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 { statuses.append(try await api.json("/api/v1/public/bookings/ACDEFGHJKM?birthDate=1980-01-01").status) }
            #expect(statuses == [.notFound, .notFound, .notFound, .tooManyRequests, .tooManyRequests])
            let rows = try await site.stores.database.client.first("SELECT count(*) FROM rate_limit WHERE bucket LIKE 'lookup-addr:%'",
                                                                     as: (Int).self, logger: site.stores.logger)
            #expect(rows == 1)
        }
    }

    @Test("bookings made per address are limited (seat hoarding); refused attempts do not count against it")
    func hoarding() async throws {
        try await SiteHarness.run(configure: { $0.bookingsMadePerAddressPerHour = 2 }) { site, _, resident in
            // setup: one slot with a single seat and a roomy one
            let small = try await BookableDay.make(site, web: 1, staff: 0, slotCount: 1, name: "小")
            let big = try await BookableDay.make(site, web: 50, staff: 0, slotCount: 1, name: "大")
            var api = Browser(resident)
            // act
            var statuses: [HTTPResponse.Status] = []
            for n in 0..<4 {  // one seat: 1 × 201, then 409s that cost nothing
                statuses.append(try await api.json("/api/v1/public/bookings", method: .post, People.json(n, slot: small.slotIDs[0])).status)
            }
            for n in 10..<13 {
                statuses.append(try await api.json("/api/v1/public/bookings", method: .post, People.json(n, slot: big.slotIDs[0])).status)
            }
            // check
            #expect(statuses == [.created, .conflict, .conflict, .conflict, .created, .tooManyRequests, .tooManyRequests])
        }
    }

    @Test("the hoarding limit holds exactly under concurrency: 20 requests at once, limit 3")
    func hoardingConcurrent() async throws {
        try await SiteHarness.run(configure: { $0.bookingsMadePerAddressPerHour = 3 }) { site, _, resident in
            let big = try await BookableDay.make(site, web: 50, staff: 0, slotCount: 1)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for n in 0..<20 {
                    group.addTask {
                        var api = Browser(resident)
                        return try await api.json("/api/v1/public/bookings", method: .post, People.json(n, slot: big.slotIDs[0])).status
                    }
                }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.filter { $0 == .created }.count == 3)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 17)
        }
    }

    @Test("absurd dates are refused, not computed with; residents cannot write staff notes; a duplicate location name is 409")
    func edges() async throws {
        try await SiteHarness.run { site, staff, resident in
            let bookable = try await BookableDay.make(site, web: 2, staff: 0, slotCount: 1)
            var api = Browser(resident)
            let far = try await api.json("/api/v1/public/availability?location=\(bookable.locationID)&purpose=application&from=9999-12-31")
            #expect(far.status == .unprocessableContent)
            var body = People.json(1, slot: bookable.slotIDs[0])
            body["notes"] = "本人確認済"
            let created = try await api.json("/api/v1/public/bookings", method: .post, body)
            let code = try #require(created.json["code"] as? String)
            #expect(try await site.stores.bookings.find(code: code)?.input.notes == "")
            let userID = try await site.createUser("api-sup", roles: ["supervisor"])
            let token = try await site.stores.tokens.create(userID: userID, name: "t", scopes: Set(Permission.allCases), expiresAt: nil, on: site.stores.database.client).token
            var staffAPI = Browser(staff)
            let twice = try await staffAPI.json("/api/v1/locations", method: .post, ["name": "田無庁舎 市民課"], token: token)
            #expect(twice.status == .conflict)
            var browser = Browser(staff)
            try await browser.login("api-sup")
            let farDay = try await browser.get("/bookings?location=\(bookable.locationID)&date=9999-12-31")
            #expect(farDay.status == .ok, "an absurd date falls back to today")
        }
    }
}
