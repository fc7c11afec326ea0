import Foundation
import Hummingbird
import MadoguchiDomain
import Testing

@Suite("Staff site hours (F2)")
struct StaffHoursTests {
    /// A moment in Tokyo time.
    static func tokyo(_ text: String) -> Date {
        let parts = text.split(separator: " ")
        let day = CalendarDate(String(parts[0]))!
        let hm = parts[1].split(separator: ":").map { Int($0)! }
        return JapaneseDate.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hm[0], minute: hm[1]))!
    }

    @Test("the rule: 06:30-23:00, closed the day after the third Saturday and 12/29-1/3", arguments: [
        ("2026-11-30 06:29", false), ("2026-11-30 06:30", true), ("2026-11-30 22:59", true), ("2026-11-30 23:00", false),
        ("2026-11-22 12:00", false),  // Sunday after Saturday 11/21, the third Saturday
        ("2026-11-15 12:00", true),   // Sunday after the second Saturday
        ("2027-02-21 10:00", false),  // third Saturday 2/20 → closed 2/21
        ("2026-08-16 10:00", false),  // third Saturday 8/15 → closed 8/16
        ("2026-12-28 22:00", true), ("2026-12-29 10:00", false), ("2027-01-03 10:00", false), ("2027-01-04 10:00", true),
    ])
    func rule(moment: String, open: Bool) {
        #expect(StaffHours().isOpen(at: Self.tokyo(moment)) == open, "\(moment)")
    }

    @Test("outside hours a clerk gets the closed page, an administrator works on, health and login stay up")
    func middleware() async throws {
        try await SiteHarness.run(configure: { $0.staffHours = StaffHours() }) { site, staff, resident in
            // setup: a weekday morning
            site.clock.set(Self.tokyo("2026-11-30 10:00"))
            try await site.createUser("clerk1", roles: ["clerk"])
            try await site.createUser("admin1", roles: ["administrator"])
            var clerk = Browser(staff), admin = Browser(staff), visitor = Browser(resident)
            try await clerk.login("clerk1")
            #expect(try await clerk.get("/").status == .ok)
            // act: late evening
            site.clock.set(Self.tokyo("2026-11-30 23:10"))
            try await admin.login("admin1")
            let closed = try await clerk.get("/")
            let api = try await clerk.get("/api/v1/me")
            // check
            #expect(closed.status == .serviceUnavailable)
            #expect(closed.body.contains("利用時間外です") && closed.body.contains("6:30〜23:00"))
            #expect(api.status == .serviceUnavailable)
            #expect(try await admin.get("/").status == .ok)
            #expect(try await clerk.get("/healthz").status == .ok)
            var stranger = Browser(staff)
            #expect(try await stranger.get("/login").status == .ok)
            #expect(try await visitor.get("/").status == .ok, "the resident site is up 24/7")
        }
    }
}
