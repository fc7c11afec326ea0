import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDatabase
import MadoguchiDomain
import Testing

@Suite("Staff site: day view, phone bookings, check-in, slot rules, live updates (A2, A5-A8)")
struct StaffBookingTests {
    /// The first event of `stream` that matches, or nil after `seconds`.
    static func firstEvent(in stream: AsyncStream<BookingFeedEvent>, within seconds: Int,
                           where matches: @escaping @Sendable (BookingFeedEvent) -> Bool) async -> BookingFeedEvent? {
        await withTaskGroup(of: BookingFeedEvent?.self) { group in
            group.addTask {
                for await event in stream where matches(event) { return event }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    static let person: [(String, String)] = [("familyName", "電話"), ("givenName", "一郎"), ("familyKana", "デンワ"), ("givenKana", "イチロウ"),
                                              ("birthDate", "1950-03-03"), ("phone", "0424000001")]

    @Test("a resident's booking appears in the day view; check-in by scanned code; duplicate phone booking needs an override")
    func counterDay() async throws {
        try await SiteHarness.run { site, staff, resident in
            // setup: today's slots (staff work on today), booked by a resident through the API yesterday
            let bookable = try await BookableDay.make(site, web: 3, staff: 1)
            var api = Browser(resident)
            let created = try await api.json("/api/v1/public/bookings", method: .post, People.json(5, slot: bookable.slotIDs[0]))
            let code = try #require(created.json["code"] as? String)
            site.clock.set(SlotPlanner.instant(bookable.day, 8 * 60 + 30))
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            // act: the day view
            let day = try await browser.get("/bookings?location=\(bookable.locationID)&date=\(bookable.day)")
            // check
            #expect(day.status == .ok)
            #expect(day.body.contains("住民　5"))
            #expect(day.body.contains(BookingCode.display(code)))
            #expect(day.body.contains("data-live=\"/bookings/events?location=\(bookable.locationID)"))
            // act: a keyboard-wedge scanner types the code (lower case, no hyphen) and Enter
            let checked = try await browser.post("/bookings/check-in", [("code", code.lowercased()), ("location", String(bookable.locationID)),
                                                                         ("date", bookable.day.description)], csrf: day.csrf)
            #expect(checked.status == .seeOther)
            #expect(try await site.stores.bookings.find(code: code)?.status == .checkedIn)
            let again = try await browser.post("/bookings/check-in", [("code", code), ("location", String(bookable.locationID)),
                                                                       ("date", bookable.day.description)], csrf: day.csrf)
            #expect(again.location?.contains("error=") == true)
            // act: a phone booking for a caller, then the same caller again
            let form = try await browser.get("/bookings/new?slot=\(bookable.slotIDs[1])")
            let phone = try await browser.post("/bookings/new", [("slot", String(bookable.slotIDs[1])), ("channel", "phone")] + Self.person, csrf: form.csrf)
            #expect(phone.status == .seeOther)
            let twice = try await browser.post("/bookings/new", [("slot", String(bookable.slotIDs[1])), ("channel", "phone")] + Self.person, csrf: form.csrf)
            #expect(twice.status == .conflict)
            #expect(twice.body.contains("重複を承知で登録する"))
            let overridden = try await browser.post("/bookings/new", [("slot", String(bookable.slotIDs[1])), ("channel", "phone"),
                                                                       ("overrideDuplicate", "1")] + Self.person, csrf: form.csrf)
            #expect(overridden.status == .seeOther)
            let rows = try await site.stores.bookings.day(locationID: bookable.locationID, day: bookable.day)
            #expect(rows.filter { $0.channel == .phone }.count == 2)
            #expect(rows.filter(\.duplicateOverride).count == 1)
            // the staff seat went first, then a web seat
            #expect(Set(rows.filter { $0.channel == .phone }.map(\.seat)) == ["staff", "web"])
            // act: the end of the day
            site.clock.set(SlotPlanner.instant(bookable.day, 18 * 60))
            try await browser.login("clerk")  // the morning's session has timed out
            let evening = try await browser.get("/bookings?location=\(bookable.locationID)&date=\(bookable.day)")
            let noShows = try await browser.post("/bookings/no-shows", [("location", String(bookable.locationID)), ("date", bookable.day.description)],
                                                 csrf: evening.csrf)
            #expect(noShows.status == .seeOther)
            let after = try await site.stores.bookings.day(locationID: bookable.locationID, day: bookable.day)
            #expect(after.filter { $0.status == .noShow }.count == 2)
            #expect(after.filter { $0.status == .checkedIn }.count == 1)
            // printable list and search
            let print = try await browser.get("/bookings/print?location=\(bookable.locationID)&date=\(bookable.day)")
            #expect(print.body.contains("来庁予約者一覧") && print.body.contains("デンワ　イチロウ"))
            let search = try await browser.get("/bookings/search?q=0424000001")
            #expect(search.body.contains("2件"))
            let actions = try await site.auditActions()
            for action in ["booking.day.list", "booking.check-in", "booking.create", "booking.no-shows", "booking.print.list", "booking.search"] {
                #expect(actions.contains(action), "\(action) not audited")
            }
        }
    }

    @Test("the slot editor: a weekly rule makes slots; a closure withdraws them; an opening opens a holiday")
    func slotEditor() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("chief", roles: ["supervisor"])
            var browser = Browser(staff)
            try await browser.login("chief")
            let page = try await browser.get("/admin/slots?new=1")
            // act: a new location, then a rule for every weekday
            let saved = try await browser.post("/admin/slots/location", [("name", "ひばりヶ丘出張所"), ("address", ""), ("guidance", "駐車場なし"),
                                                                          ("opensDays", "30"), ("closesHours", "2")], csrf: page.csrf)
            let location = try #require(saved.location.flatMap { URLComponents(string: $0)?.queryItems?.first { $0.name == "location" }?.value })
            let today = CalendarDate(site.clock.now())
            var fields: [(String, String)] = [("location", location), ("purpose", "pickup"), ("starts", "13:00"), ("ends", "15:00"),
                                              ("slotMinutes", "60"), ("webCapacity", "4"), ("staffCapacity", "2"), ("validFrom", today.description)]
            for weekday in 1...5 { fields.append(("weekdays", String(weekday))) }
            let rule = try await browser.post("/admin/slots/rules", fields, csrf: page.csrf)
            #expect(rule.status == .seeOther)
            let bad = try await browser.post("/admin/slots/rules", [("location", location), ("purpose", "pickup"), ("starts", "15:00"),
                                                                    ("ends", "13:00"), ("slotMinutes", "60"), ("webCapacity", "1"),
                                                                    ("staffCapacity", "0"), ("validFrom", today.description)], csrf: page.csrf)
            #expect(bad.status == .unprocessableContent)
            // check: slots exist on weekdays that are not holidays, two per day
            let id = try #require(Int64(location))
            let slots = try await site.stores.slots.slots(locationID: id, purpose: .pickup, from: today, through: today.adding(days: 14)!)
            let days = Set(slots.map(\.day))
            #expect(!days.isEmpty)
            #expect(days.allSatisfy { (1...5).contains($0.weekday) && !OfficeCalendar.isClosed($0) })
            #expect(slots.allSatisfy { $0.webCapacity == 4 && $0.staffCapacity == 2 })
            // act: close the first of those days, open the next Sunday
            let first = try #require(days.min())
            _ = try await browser.post("/admin/slots/closures", [("location", location), ("from", first.description), ("reason", "選挙事務")], csrf: page.csrf)
            var sunday = today.adding(days: 1)!
            while sunday.weekday != 0 { sunday = sunday.adding(days: 1)! }
            _ = try await browser.post("/admin/slots/openings", [("location", location), ("purpose", "pickup"), ("day", sunday.description),
                                                                 ("starts", "09:00"), ("ends", "12:00"), ("slotMinutes", "30"),
                                                                 ("webCapacity", "5"), ("staffCapacity", "0")], csrf: page.csrf)
            let after = try await site.stores.slots.slots(locationID: id, purpose: .pickup, from: today, through: today.adding(days: 14)!)
            #expect(!after.contains { $0.day == first })
            #expect(after.filter { $0.day == sunday }.count == 6)
            #expect(try await site.auditActions().contains("slot-rule.opening"))
        }
    }

    @Test("the staff API: a location with a few seats, a rule, concurrent bookings, check-in")
    func staffApi() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let userID = try await site.createUser("api-chief", roles: ["supervisor"])
            let token = try await site.stores.tokens.create(userID: userID, name: "test", scopes: Set(Permission.allCases), expiresAt: nil, on: site.stores.database.client).token
            var api = Browser(staff)
            let day = CalendarDate(site.clock.now()).adding(days: 2)!
            // act
            let location = try await api.json("/api/v1/locations", method: .post, ["name": "小さな窓口", "bookingClosesHoursBefore": 0], token: token)
            #expect(location.status == .created)
            let locationID = try #require(location.json["id"] as? Int)
            let rule = try await api.json("/api/v1/locations/\(locationID)/slot-rules", method: .post,
                                          ["purpose": "application", "weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "10:00", "end": "10:30",
                                           "slotMinutes": 30, "webCapacity": 0, "staffCapacity": 3, "validFrom": day.description,
                                           "validUntil": day.description, "onClosedDays": true] as [String: Any], token: token)
            #expect(rule.status == .created)
            let slots = try await api.json("/api/v1/slots?location=\(locationID)&date=\(day)", token: token)
            let slotID = try #require(slots.jsonArray.first?["id"] as? Int)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for n in 0..<30 {
                    group.addTask {
                        var client = Browser(staff)
                        var body = People.json(n, slot: Int64(slotID))
                        body["channel"] = "phone"
                        return try await client.json("/api/v1/bookings", method: .post, body, token: token).status
                    }
                }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
            // check
            #expect(statuses.filter { $0 == .created }.count == 3)
            #expect(statuses.filter { $0 == .conflict }.count == 27)
            let list = try await api.json("/api/v1/bookings?location=\(locationID)&date=\(day)", token: token)
            #expect(list.jsonArray.count == 3)
            let code = try #require(list.jsonArray.first?["code"] as? String)
            let early = try await api.json("/api/v1/bookings/\(code)/check-in", method: .post, token: token)
            #expect(early.status == .conflict)
            #expect(early.body.contains("/problems/not-today"))
            site.clock.set(SlotPlanner.instant(day, 10 * 60))
            let checked = try await api.json("/api/v1/bookings/\(code)/check-in", method: .post, token: token)
            #expect(checked.json["status"] as? String == "checked_in")
            let capacity = try await api.json("/api/v1/slots/\(slotID)/capacity", method: .post, ["webCapacity": 0, "staffCapacity": 1],
                                              token: token)
            #expect(capacity.status == .conflict)
        }
    }

    @Test("the day view's event stream delivers a resident's booking live, and replays from Last-Event-ID")
    func liveUpdates() async throws {
        // The stream stays open 12 s: a booking on a loaded 2-core run may take several seconds.
        try await SiteHarness.run(configure: { $0.liveStreamSeconds = 12 }) { site, staff, resident in
            // setup
            let bookable = try await BookableDay.make(site, web: 3, staff: 0)
            try await site.createUser("watcher", roles: ["viewer"])
            var browser = Browser(staff)
            try await browser.login("watcher")
            let since = try await site.stores.bookingFeed.latestEventID()
            let watcher = browser
            // act: open the stream (it ends after 12 s here), and book while it is open
            let stream = Task {
                var b = watcher
                // `after` as the page gives it: a slow start of the stream cannot lose the event.
                return try await b.get("/bookings/events?location=\(bookable.locationID)&after=\(since)")
            }
            try await Task.sleep(for: .milliseconds(500))
            var api = Browser(resident)
            let created = try await api.json("/api/v1/public/bookings", method: .post, People.json(9, slot: bookable.slotIDs[1]))
            #expect(created.status == .created)
            let page = try await stream.value
            // check
            #expect(page.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            #expect(page.body.contains("event: booking"))
            #expect(page.body.contains("\"kind\":\"created\""))
            #expect(page.body.contains("\"day\":\"\(bookable.day)\""))
            // act: a browser that reconnects after missing the event gets it replayed
            var headers = HTTPFields()
            headers[HTTPField.Name("Last-Event-ID")!] = String(since)
            var again = watcher
            let replay = try await again.request("/bookings/events?location=\(bookable.locationID)", headers: headers)
            #expect(replay.body.contains("\"kind\":\"created\""))
            #expect(replay.body.contains("id: \(since + 1)\n"))
        }
    }

    @Test("the feed delivers a booking made on another connection through LISTEN/NOTIFY")
    func notifyPath() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup: subscribe() returns once LISTEN is in place
            let bookable = try await BookableDay.make(site, web: 3, staff: 0)
            let feed = site.stores.bookingFeed
            let (subscription, stream) = await feed.subscribe()
            // act
            var api = Browser(resident)
            let created = try await api.json("/api/v1/public/bookings", method: .post, People.json(11, slot: bookable.slotIDs[0]))
            #expect(created.status == .created)
            let event = await Self.firstEvent(in: stream, within: 10) { $0.location == bookable.locationID }
            await feed.unsubscribe(subscription)
            // check
            #expect(event?.kind == "created")
            #expect(event?.day == bookable.day.description)
        }
    }

    @Test("when the LISTEN connection is lost, the feed reconnects and tells every stream to re-read")
    func resyncAfterLostConnection() async throws {
        try await SiteHarness.run { site, _, _ in
            // setup
            let feed = site.stores.bookingFeed
            let (subscription, stream) = await feed.subscribe()
            // act: the database drops the listening connection (a failover, a restart); a role may
            // end its own backends, so the staff site's pool does it
            try await site.staffDatabase.client.execute("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'
                """, logger: site.stores.logger)
            let event = await Self.firstEvent(in: stream, within: 15) { $0.kind == "resync" }
            await feed.unsubscribe(subscription)
            // check
            #expect(event?.kind == "resync")
        }
    }
}
