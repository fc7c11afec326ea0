import Foundation
import Hummingbird
import Testing

@Suite("Sessions (E3)")
struct SessionTests {
    @Test("an idle session ends after the idle timeout and the login page says why")
    func idleTimeout() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("tanaka", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("tanaka")
            // act: 29 minutes keep it alive, then 31 idle minutes end it
            site.clock.advance(by: 29 * 60)
            let stillIn = try await browser.get("/")
            site.clock.advance(by: 31 * 60)
            let expired = try await browser.get("/")
            // check
            #expect(stillIn.status == .ok)
            #expect(expired.status == .seeOther)
            #expect(expired.location?.hasPrefix("/login?next=") ?? false)
            #expect(expired.location?.contains("expired=1") ?? false)
            let login = try await browser.get(expired.location!)
            #expect(login.body.contains("一定時間操作がなかった"))
        }
    }

    @Test("an active session still ends at the absolute timeout")
    func absoluteTimeout() async throws {
        try await SiteHarness.run(configure: { $0.sessionAbsoluteHours = 2 }) { site, staff, _ in
            try await site.createUser("tanaka", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("tanaka")
            for _ in 0..<5 {
                site.clock.advance(by: 20 * 60)
                #expect(try await browser.get("/").status == .ok)
            }
            site.clock.advance(by: 21 * 60)
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("logout ends the session on the server, not only in the browser")
    func logout() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("tanaka", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("tanaka")
            let stolenCookie = browser.cookies
            let csrf = try await browser.sessionCSRF()
            // act
            let response = try await browser.post("/logout", [], csrf: csrf)
            var thief = Browser(staff)
            thief.cookies = stolenCookie
            // check
            #expect(response.location == "/login?logged_out=1")
            #expect(try await thief.get("/").status == .seeOther)
            #expect(try await site.auditActions().contains("session.logout"))
        }
    }

    @Test("changing the password ends the account's other sessions, keeps this one, and enforces the policy")
    func passwordChange() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("tanaka", roles: ["clerk"])
            var laptop = Browser(staff), desk = Browser(staff)
            try await laptop.login("tanaka")
            try await desk.login("tanaka")
            let csrf = try await laptop.sessionCSRF()
            // act
            let weak = try await laptop.post("/account/password", [("current", SiteHarness.password), ("new", "short"), ("confirm", "short")], csrf: csrf)
            let good = try await laptop.post("/account/password", [("current", SiteHarness.password), ("new", "kanda-river-at-dusk"),
                                                                   ("confirm", "kanda-river-at-dusk")], csrf: csrf)
            // check
            #expect(weak.status == .unprocessableContent)
            #expect(weak.body.contains("12文字以上"))
            #expect(good.status == .seeOther)
            #expect(try await laptop.get("/").status == .ok)
            #expect(try await desk.get("/").status == .seeOther)
            var fresh = Browser(staff)
            #expect(try await fresh.login("tanaka", password: "kanda-river-at-dusk").status == .seeOther)
        }
    }

    @Test("a password reset by an administrator must be replaced before anything else")
    func mustChange() async throws {
        try await SiteHarness.run { site, staff, _ in
            try await site.createUser("tanaka", roles: ["clerk"], mustChange: true)
            var browser = Browser(staff)
            try await browser.login("tanaka")
            let home = try await browser.get("/")
            #expect(home.status == .seeOther)
            #expect(home.location == "/account/password")
        }
    }

    @Test("disabling an account ends its sessions at once")
    func disableEndsSessions() async throws {
        try await SiteHarness.run { site, staff, _ in
            try await site.createUser("admin1", roles: ["administrator"])
            let id = try await site.createUser("tanaka", roles: ["clerk"])
            var user = Browser(staff), admin = Browser(staff)
            try await user.login("tanaka")
            try await admin.login("admin1")
            let csrf = try await admin.get("/admin/users/\(id)").csrf
            let saved = try await admin.post("/admin/users/\(id)", [("displayName", "田中"), ("roles", "clerk")], csrf: csrf)
            #expect(saved.status == .seeOther)
            #expect(try await user.get("/").status == .seeOther)
        }
    }
}
