import Foundation
import Hummingbird
import MadoguchiDomain
import Testing

@Suite("User administration (E1)")
struct UserAdminTests {
    @Test("creating a user with an individual number in the name is refused and stores nothing")
    func individualNumberRefused() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("admin1", roles: ["administrator"])
            var admin = Browser(staff)
            try await admin.login("admin1")
            let csrf = try await admin.get("/admin/users/new").csrf
            // act
            let response = try await admin.post("/admin/users", [("login", "sato"), ("displayName", "佐藤 1234 5678 9018"),
                                                                 ("roles", "clerk")], csrf: csrf)
            // check
            #expect(response.status == .unprocessableContent)
            #expect(response.body.contains("個人番号"))
            #expect(try await site.stores.users.find(login: "sato") == nil)
        }
    }

    @Test("duplicate logins and bad login names are refused with messages")
    func validation() async throws {
        try await SiteHarness.run { site, staff, _ in
            try await site.createUser("admin1", roles: ["administrator"])
            var admin = Browser(staff)
            try await admin.login("admin1")
            let csrf = try await admin.get("/admin/users/new").csrf
            let duplicate = try await admin.post("/admin/users", [("login", "admin1"), ("displayName", "x")], csrf: csrf)
            let bad = try await admin.post("/admin/users", [("login", "Bad Name"), ("displayName", "x")], csrf: csrf)
            #expect(duplicate.status == .unprocessableContent)
            #expect(duplicate.body.contains("既に使われています"))
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("ログインIDは"))
        }
    }

    @Test("an administrator cannot remove their own administration or the last user manager")
    func lastAdministrator() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let id = try await site.createUser("admin1", roles: ["administrator"])
            var admin = Browser(staff)
            try await admin.login("admin1")
            let csrf = try await admin.get("/admin/users/\(id)").csrf
            // act
            let demote = try await admin.post("/admin/users/\(id)", [("displayName", "管理"), ("active", "1"), ("roles", "clerk")], csrf: csrf)
            let strip = try await admin.post("/admin/roles/administrator", [("permissions", "audit.view")], csrf: csrf)
            // check
            #expect(demote.status == .unprocessableContent)
            #expect(strip.status == .unprocessableContent)
            #expect(try await site.stores.users.find(id: id)?.roles == ["administrator"])
            #expect(try await site.stores.users.permissions(userID: id).contains(.usersManage))
        }
    }

    @Test("changing a role's permissions takes effect on the next request")
    func rolePermissions() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("admin1", roles: ["administrator"])
            try await site.createUser("boss", roles: ["supervisor"])
            var admin = Browser(staff), boss = Browser(staff)
            try await admin.login("admin1")
            try await boss.login("boss")
            #expect(try await boss.get("/audit").status == .ok)
            let csrf = try await admin.get("/admin/roles").csrf
            // act
            let saved = try await admin.post("/admin/roles/supervisor", [("permissions", "booking.view"), ("permissions", "ledger.view")], csrf: csrf)
            // check
            #expect(saved.status == .seeOther)
            #expect(try await boss.get("/audit").status == .forbidden)
            #expect(try await site.auditActions().contains("role.update"))
        }
    }

    @Test("a password reset shows a one-time password and forces a change at next login")
    func resetPassword() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("admin1", roles: ["administrator"])
            let id = try await site.createUser("tanaka", roles: ["clerk"])
            var admin = Browser(staff)
            try await admin.login("admin1")
            let csrf = try await admin.get("/admin/users/\(id)").csrf
            // act
            let page = try await admin.post("/admin/users/\(id)/password", [("password", "")], csrf: csrf)
            // check
            #expect(page.status == .ok)
            let range = page.body.range(of: #"仮パスワード: <code>([A-Za-z0-9]{16})</code>"#, options: .regularExpression)
            #expect(range != nil)
            let temporary = String(page.body[range!].dropFirst("仮パスワード: <code>".count).prefix(16))
            var user = Browser(staff)
            #expect(try await user.login("tanaka").status == .unauthorized)
            #expect(try await user.login("tanaka", password: temporary).status == .seeOther)
            #expect(try await user.get("/").location == "/account/password")
        }
    }

    @Test("the users list and the home page render in Japanese with the navigation the role allows")
    func pages() async throws {
        try await SiteHarness.run { site, staff, _ in
            try await site.createUser("admin1", roles: ["administrator"])
            try await site.createUser("viewer1", roles: ["viewer"])
            var admin = Browser(staff), viewer = Browser(staff)
            try await admin.login("admin1")
            try await viewer.login("viewer1")
            let list = try await admin.get("/admin/users")
            #expect(list.body.contains("<html lang=\"ja\">"))
            #expect(list.body.contains("viewer1"))
            let adminHome = try await admin.get("/")
            let viewerHome = try await viewer.get("/")
            #expect(adminHome.body.contains("href=\"/admin/users\""))
            #expect(!viewerHome.body.contains("href=\"/admin/users\""))
            #expect(!viewerHome.body.contains("href=\"/audit\""))
            #expect(viewerHome.body.contains("令和"))
        }
    }
}
