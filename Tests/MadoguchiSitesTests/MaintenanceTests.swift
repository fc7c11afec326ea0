import Foundation
import Hummingbird
import Testing

@Suite("Planned maintenance (F3)")
struct MaintenanceTests {
    @Test("announced on the resident site in advance; during the window residents get a maintenance page and only administrators work")
    func window() async throws {
        try await SiteHarness.run { site, staff, resident in
            // setup: a window from 3 to 5 days ahead, announced 7 days before
            try await site.createUser("admin1", roles: ["administrator"])
            try await site.createUser("clerk1", roles: ["clerk"])
            var admin = Browser(staff), clerk = Browser(staff), visitor = Browser(resident)
            try await admin.login("admin1")
            let csrf = try await admin.get("/admin/maintenance").csrf
            let start = NoticesControllerFormat.local(site.clock.now().addingTimeInterval(3 * 86_400))
            let end = NoticesControllerFormat.local(site.clock.now().addingTimeInterval(3 * 86_400 + 7200))
            let bad = try await admin.post("/admin/maintenance", [("startsAt", end), ("endsAt", start), ("announceDays", "7")], csrf: csrf)
            let created = try await admin.post("/admin/maintenance", [("startsAt", start), ("endsAt", end), ("announceDays", "7"),
                                                                      ("message", "サーバ更新のため")], csrf: csrf)
            // act / check: before the window
            #expect(bad.status == .unprocessableContent)
            #expect(created.status == .seeOther)
            let announced = try await visitor.get("/")
            #expect(announced.status == .ok)
            #expect(announced.body.contains("メンテナンスのため") && announced.body.contains("サーバ更新のため"))
            // during the window (the clock moves; sessions are signed in just before)
            site.clock.advance(by: 3 * 86_400 + 60)
            try await clerk.login("clerk1")
            try await admin.login("admin1")
            let down = try await visitor.get("/")
            #expect(down.status == .serviceUnavailable)
            #expect(down.body.contains("メンテナンス中です"))
            #expect(down.headers[.retryAfter] != nil)
            #expect(try await visitor.get("/healthz").status == .ok)
            #expect(try await clerk.get("/").status == .serviceUnavailable)
            #expect(try await admin.get("/").status == .ok)
            // after it
            site.clock.advance(by: 7200)
            #expect(try await visitor.get("/").status == .ok)
            #expect(try await site.auditActions().contains("maintenance.create"))
        }
    }
}
