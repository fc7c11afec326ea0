import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDatabase
import MadoguchiDomain
import Testing

@Suite("Resident site: booking flow without JavaScript (A1)")
struct ResidentBookingTests {
    /// The href of the first link whose target starts with `prefix`.
    static func link(_ page: Browser.Page, _ prefix: String) -> String? {
        guard let range = page.body.range(of: "href=\"" + NSRegularExpression.escapedPattern(for: prefix) + "[^\"]*\"", options: .regularExpression)
        else { return nil }
        return String(page.body[range].dropFirst(6).dropLast()).replacingOccurrences(of: "&amp;", with: "&")
    }

    static let person: [(String, String)] = [("familyName", "山田"), ("givenName", "花子"), ("familyKana", "やまだ"), ("givenKana", "はなこ"),
                                              ("birthDate", "1985-06-15"), ("phone", "042-464-1311"), ("email", "")]

    @Test("purpose → location → calendar → time → details → confirm → code with QR; look up, move and cancel")
    func endToEnd() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup
            let bookable = try await BookableDay.make(site, web: 2, staff: 1)
            var browser = Browser(resident)
            // act: the choosing steps, following the links as a person would
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            let places = try await browser.get(try #require(Self.link(home, "/book?purpose=application")))
            let month = try await browser.get(try #require(Self.link(places, "/book?purpose=application&amp;location=\(bookable.locationID)")))
            var calendar = month
            if !calendar.body.contains("date=\(bookable.day)") {
                calendar = try await browser.get(try #require(Self.link(month, "/book?purpose=application&amp;location=\(bookable.locationID)&amp;month=")))
            }
            let times = try await browser.get(try #require(Self.link(calendar, "/book?purpose=application&amp;location=\(bookable.locationID)&amp;date=\(bookable.day)")))
            let form = try await browser.get(try #require(Self.link(times, "/book?purpose=application&amp;location=\(bookable.locationID)&amp;slot=")))
            #expect(form.body.contains("name=\"familyKana\""))
            // a mistake is shown next to its field
            let wrong = try await browser.post("/book/confirm", [("slot", String(bookable.slotIDs[0]))] + Self.person.map { $0.0 == "familyKana" ? ($0.0, "Yamada") : $0 },
                                               csrf: form.csrf)
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.body.contains("aria-describedby=\"familyKana-error\""))
            #expect(wrong.body.contains("id=\"familyKana-error\""))
            let confirm = try await browser.post("/book/confirm", [("slot", String(bookable.slotIDs[0]))] + Self.person, csrf: form.csrf)
            #expect(confirm.status == .ok)
            #expect(confirm.body.contains("ヤマダ　ハナコ"))
            let done = try await browser.post("/book/complete", [("slot", String(bookable.slotIDs[0]))] + Self.person, csrf: confirm.csrf)
            // check: the confirmation page
            #expect(done.status == .seeOther)
            let code = String(try #require(done.location?.split(separator: "/").last))
            let ticket = try await browser.get(try #require(done.location))
            #expect(ticket.body.contains(BookingCode.display(code)))
            #expect(ticket.body.contains("<svg"))
            #expect(!ticket.body.contains("山田"), "the confirmation link shows no personal data")
            let stored = try #require(try await site.stores.bookings.find(code: code))
            #expect(stored.channel == .web && stored.input.phone == "0424641311")

            // act: look up with the wrong, then the right date of birth
            let lookup = try await browser.get("/reservation")
            let refused = try await browser.post("/reservation", [("code", code), ("birthDate", "1985-06-16")], csrf: lookup.csrf)
            #expect(refused.status == .notFound)
            let found = try await browser.post("/reservation", [("code", BookingCode.display(code).lowercased()), ("birthDate", "1985-06-15")],
                                               csrf: lookup.csrf)
            #expect(found.location == "/reservation/manage")
            let manage = try await browser.get("/reservation/manage")
            #expect(manage.body.contains("山田　花子"))
            // move to the second slot
            let moveForm = try await browser.get("/book?purpose=application&location=\(bookable.locationID)&slot=\(bookable.slotIDs[1])&change=1")
            let moved = try await browser.post("/reservation/move", [("slot", String(bookable.slotIDs[1]))], csrf: moveForm.csrf)
            #expect(moved.location == "/reservation/manage?done=moved")
            #expect(try await site.stores.bookings.find(code: code)?.slotID == bookable.slotIDs[1])
            // cancel
            let cancelled = try await browser.post("/reservation/cancel", [], csrf: moveForm.csrf)
            #expect(cancelled.status == .ok)
            #expect(try await site.stores.bookings.find(code: code)?.status == .cancelled)
            let seats = try await site.stores.slots.slots(locationID: bookable.locationID, purpose: nil, from: bookable.day, through: bookable.day)
            #expect(seats.allSatisfy { $0.booked == 0 })
            #expect(try await site.auditActions().filter { $0.hasPrefix("booking.") } == ["booking.create", "booking.resident-view", "booking.move",
                                                                                          "booking.cancel"])
            // the access cookie is gone with the cancellation
            #expect(try await browser.get("/reservation/manage").location == "/reservation?expired=1")
        }
    }

    @Test("English switch sticks; a full slot sends the resident back to the times with a message")
    func englishAndFull() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup: one slot with one seat, already taken
            let bookable = try await BookableDay.make(site, web: 1, staff: 0, slotCount: 1)
            var other = Browser(resident)
            var browser = Browser(resident)
            let first = try await other.get("/book?purpose=application&location=\(bookable.locationID)&slot=\(bookable.slotIDs[0])")
            #expect(try await other.post("/book/complete", [("slot", String(bookable.slotIDs[0]))] + Self.person, csrf: first.csrf).status == .seeOther)
            // act
            let home = try await browser.get("/?lang=en")
            let form = try await browser.get("/book?purpose=application&location=\(bookable.locationID)&slot=\(bookable.slotIDs[0])")
            var person = Self.person
            person[4] = ("birthDate", "1990-01-01")
            let full = try await browser.post("/book/complete", [("slot", String(bookable.slotIDs[0]))] + person, csrf: form.csrf)
            // check
            #expect(home.body.contains("Book a visit for your My Number Card"))
            #expect(home.body.contains("lang=\"en\""))
            #expect(form.body.contains("Family name"))
            #expect(full.status == .conflict)
            #expect(full.body.contains("fully booked"))
        }
    }

    @Test("a form posted without the page's token changes nothing")
    func csrf() async throws {
        try await SiteHarness.run { site, _, resident in
            let bookable = try await BookableDay.make(site, web: 2, staff: 0)
            var browser = Browser(resident)
            _ = try await browser.get("/")
            let forged = try await browser.post("/book/complete", [("slot", String(bookable.slotIDs[0]))] + Self.person, csrf: "forged")
            #expect(forged.status == .forbidden)
            #expect(try await site.stores.bookings.day(locationID: bookable.locationID, day: bookable.day).isEmpty)
        }
    }

    @Test("the staff site is not reachable through the resident listener")
    func separation() async throws {
        try await SiteHarness.run { _, _, resident in
            var browser = Browser(resident)
            let staffPage = try await browser.get("/bookings")
            let staffAPI = try await browser.get("/api/v1/bookings?q=x")
            #expect(staffPage.status == .notFound)
            #expect(staffAPI.status == .notFound)
        }
    }
}
