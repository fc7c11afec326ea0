import Foundation
import Hummingbird
import Testing

@Suite("CSRF protection on staff forms")
struct CSRFTests {
    @Test("a staff form post without the token, or with another session's token, is refused and changes nothing",
          arguments: [nil, "forged-token", "OTHER"])
    func refused(token: String?) async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("admin1", roles: ["administrator"])
            try await site.createUser("admin2", roles: ["administrator"])
            var browser = Browser(staff), other = Browser(staff)
            try await browser.login("admin1")
            try await other.login("admin2")
            let presented = token == "OTHER" ? try await other.sessionCSRF() : token
            // act
            let response = try await browser.post("/admin/users", [("login", "sato"), ("displayName", "佐藤"), ("roles", "clerk")],
                                                  csrf: presented)
            // check
            #expect(response.status == .forbidden)
            #expect(response.body.contains("フォームの有効期限が切れました"))
            #expect(try await site.stores.users.find(login: "sato") == nil)
            #expect(try await site.auditActions().contains("csrf.rejected"))
        }
    }

    @Test("the same post with the session's token succeeds")
    func accepted() async throws {
        try await SiteHarness.run { site, staff, _ in
            try await site.createUser("admin1", roles: ["administrator"])
            var browser = Browser(staff)
            try await browser.login("admin1")
            let csrf = try await browser.get("/admin/users/new").csrf
            let response = try await browser.post("/admin/users", [("login", "sato"), ("displayName", "佐藤"), ("roles", "clerk")], csrf: csrf)
            #expect(response.status == .created)
            #expect(response.body.contains("仮パスワード"))
            let user = try await site.stores.users.find(login: "sato")
            #expect(user?.roles == ["clerk"])
            #expect(user?.mustChangePassword == true)
            #expect(try await site.auditActions().contains("user.create"))
        }
    }
}
