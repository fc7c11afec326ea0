import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiServices
import Testing

@Suite("Staff MFA: TOTP, enrolment, recovery codes (#13)")
struct SecondFactorTests {
    /// Posts the password step and returns the browser, waiting at the second step.
    func passwordStep(_ staff: any TestClientProtocol, _ login: String) async throws -> (Browser, String) {
        var browser = Browser(staff)
        let form = try await browser.get("/login")
        let response = try await browser.post("/login", [("login", login), ("password", SiteHarness.password), ("next", "/")], csrf: form.csrf)
        return (browser, response.location ?? "")
    }

    @Test("the password alone opens nothing: pages, the API and other forms send the half-signed-in session back to the code")
    func passwordAlone() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("suzuki", roles: ["administrator"])
            // act
            var (browser, location) = try await passwordStep(staff, "suzuki")
            let home = try await browser.get("/")
            let admin = try await browser.get("/admin/users")
            var api = HTTPFields()
            api[.accept] = "application/json"
            let me = try await browser.request("/api/v1/me", headers: api)
            let setup = try await browser.get("/login/mfa-setup")
            // check
            #expect(location == "/login/mfa?next=%2F")
            #expect(home.location == "/login/mfa?next=%2F")
            #expect(admin.location?.hasPrefix("/login/mfa?next=") == true)
            #expect(me.status == .unauthorized)
            #expect(setup.location == "/login", "the enrolment step is not this session's")
            #expect(try await site.auditActions().contains("user.list") == false)
        }
    }

    @Test("ログインをやめる on the code page ends the half-signed-in session at once")
    func cancelAtCode() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("suzuki", roles: ["clerk"])
            var (browser, _) = try await passwordStep(staff, "suzuki")
            let codePage = try await browser.get("/login/mfa")
            // act
            let cancelled = try await browser.post("/login/mfa/cancel", [], csrf: codePage.csrf)
            let after = try await browser.get("/login/mfa")
            // check
            #expect(codePage.body.contains("action=\"/login/mfa/cancel\""))
            #expect(cancelled.location == "/login?logged_out=1")
            #expect(after.location == "/login", "the session is gone, not waiting for a code")
            let open = try await site.stores.database.client.all("SELECT count(*)::int FROM staff_session", as: (Int).self, logger: site.stores.logger)
            #expect(open.first == 0)
        }
    }

    @Test("a valid code signs in once; the same code again is refused as a replay")
    func codeWorksOnce() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("suzuki", roles: ["clerk"])
            let totp = TOTP(secret: SiteHarness.totpSecret("suzuki"))
            let code = totp.code(at: site.clock.now())
            // act
            var (first, location) = try await passwordStep(staff, "suzuki")
            let accepted = try await first.secondFactor(location, code: code)
            var (second, again) = try await passwordStep(staff, "suzuki")
            let replayed = try await second.secondFactor(again, code: code)
            // check
            #expect(accepted.location == "/")
            #expect(try await first.get("/").status == .ok)
            #expect(replayed.status == .unauthorized)
            #expect(replayed.body.contains("すでに使われています"))
            #expect(try await second.get("/").location == "/login/mfa?next=%2F")
            let actions = try await site.auditActions()
            #expect(actions.filter { $0 == "session.mfa" }.count == 2)
        }
    }

    @Test("wrong codes count toward the lockout like wrong passwords")
    func wrongCodesLock() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("suzuki", roles: ["clerk"])
            var (browser, location) = try await passwordStep(staff, "suzuki")
            // act: four wrong codes, then the fifth
            for _ in 0..<4 { #expect(try await browser.secondFactor(location, code: "000000").status == .unauthorized) }
            let fifth = try await browser.secondFactor(location, code: "000000")
            // check
            #expect(fifth.location == "/login?locked=1")
            #expect(try await site.stores.users.find(login: "suzuki")?.isLocked == true)
            var later = Browser(staff)
            #expect(try await later.login("suzuki").status.code == 423)
            #expect(try await site.auditActions().contains("user.lock"))
        }
    }

    @Test("a role that requires MFA sends a new account to enrolment: QR code and key, a first code, ten recovery codes, each good once")
    func enrolment() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("tanaka", roles: ["clerk"], mfa: false)
            // act: the password step leads to the set-up page
            var (browser, location) = try await passwordStep(staff, "tanaka")
            let setup = try await browser.get(location)
            let key = try #require(setup.body.firstMatch(of: /<code class="secret">([A-Z2-7 ]+)<\/code>/)).1
            let secret = try #require(Base32.decode(String(key)))
            let wrong = try await browser.post("/login/mfa-setup", [("code", "123456"), ("next", "/")], csrf: setup.csrf)
            let confirmed = try await browser.post("/login/mfa-setup", [("code", TOTP(secret: secret).code(at: site.clock.now())), ("next", "/")],
                                                   csrf: setup.csrf)
            let codes = confirmed.body.matches(of: /<li><code>([a-z0-9-]{29})<\/code><\/li>/).map { String($0.1) }
            // check
            #expect(location == "/login/mfa-setup?next=%2F")
            #expect(setup.body.contains("<svg"), "the QR code is inline SVG (no request, works offline)")
            #expect(wrong.status == .unprocessableContent)
            #expect(confirmed.status == .ok)
            #expect(codes.count == 10)
            #expect(Set(codes).count == 10)
            #expect(try await browser.get("/").status == .ok)
            // a recovery code signs in once, instead of the app's code
            var (lost, step) = try await passwordStep(staff, "tanaka")
            #expect(try await lost.secondFactor(step, code: codes[3].uppercased()).location == "/")
            var (again, step2) = try await passwordStep(staff, "tanaka")
            #expect(try await again.secondFactor(step2, code: codes[3]).status == .unauthorized)
            #expect(try await site.desks.accounts.secondFactorState(userID: try #require(try await site.stores.users.find(login: "tanaka")).id)
                .recoveryCodesLeft == 9)
            #expect(try await site.auditActions().contains("user.mfa-enrol"))
        }
    }

    @Test("an administrator's reset (a lost phone) removes the second factor and ends the sessions; the owner enrols again")
    func administratorReset() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("admin1", roles: ["administrator"])
            let id = try await site.createUser("tanaka", roles: ["clerk"])
            var admin = Browser(staff)
            try await admin.login("admin1")
            var owner = Browser(staff)
            try await owner.login("tanaka")
            // act
            let page = try await admin.get("/admin/users/\(id)")
            let reset = try await admin.post("/admin/users/\(id)/mfa-reset", [], csrf: page.csrf)
            // check
            #expect(page.body.contains("2段階認証を解除する"))
            #expect(reset.location == "/admin/users/\(id)?done=mfa-reset")
            #expect(try await owner.get("/").location?.hasPrefix("/login") == true, "the owner's session ended")
            var (_, location) = try await passwordStep(staff, "tanaka")
            #expect(location == "/login/mfa-setup?next=%2F")
            #expect(try await site.auditActions().contains("user.mfa-reset"))
        }
    }

    @Test("with MADOGUCHI_MFA_ROLES=none a clerk signs in with the password, an administrator still needs the second factor")
    func policyByRole() async throws {
        try await SiteHarness.run(configure: { $0.service.mfaRequiredRoles = [] }) { site, staff, _ in
            // setup
            try await site.createUser("clerk1", roles: ["clerk"], mfa: false)
            try await site.createUser("admin1", roles: ["administrator"], mfa: false)
            // act
            let (_, clerk) = try await passwordStep(staff, "clerk1")
            let (_, admin) = try await passwordStep(staff, "admin1")
            // check
            #expect(clerk == "/")
            #expect(admin == "/login/mfa-setup?next=%2F")
        }
    }

    @Test("a token acts only within its scopes, and dies with its owner's password reset")
    func tokenScopes() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup: an administrator's token that may only read bookings
            let id = try await site.createUser("scan-admin", roles: ["administrator"])
            let token = try await site.stores.tokens.create(userID: id, name: "reader", scopes: [.bookingView], expiresAt: nil,
                                                            on: site.stores.database.client).token
            var api = Browser(staff)
            // act
            let users = try await api.json("/api/v1/users", token: token)
            let me = try await api.json("/api/v1/me", token: token)
            let user = try #require(try await site.stores.users.find(id: id))
            _ = try await site.desks.accounts.resetPassword(user, to: nil, caller: .command())
            let afterReset = try await api.json("/api/v1/me", token: token)
            // check
            #expect(users.status == .forbidden, "users.manage is the owner's, not the token's")
            #expect(me.status == .ok)
            #expect(afterReset.status == .unauthorized)
        }
    }

    @Test("the desk refuses a token scope its owner does not have, and gives new tokens an expiry")
    func tokenCreation() async throws {
        try await SiteHarness.run { site, _, _ in
            // setup
            try await site.createUser("viewer1", roles: ["viewer"])
            let viewer = try #require(try await site.stores.users.find(login: "viewer1"))
            // act / check
            await #expect(throws: AccountDesk.Refused.self) {
                _ = try await site.desks.accounts.createToken(for: viewer, name: "x", scopes: [.usersManage], expiresAt: nil, caller: .command())
            }
            _ = try await site.desks.accounts.createToken(for: viewer, name: "ok", scopes: [.bookingView], expiresAt: nil, caller: .command())
            let listed = try #require(try await site.desks.accounts.tokens().first { $0.name == "ok" })
            let days = try #require(listed.expiresAt).timeIntervalSince(site.clock.now()) / 86_400
            #expect((89.9...90.1).contains(days))
            #expect(listed.scopes == ["booking.view"])
        }
    }

    @Test("a user who must change the password cannot use the API with the cookie session")
    func mustChangeKeepsAPIClosed() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("tanaka", roles: ["clerk"], mustChange: true)
            var browser = Browser(staff)
            try await browser.login("tanaka")
            // act
            var headers = HTTPFields()
            headers[.accept] = "application/json"
            let me = try await browser.request("/api/v1/me", headers: headers)
            // check
            #expect(me.status == .forbidden)
            #expect(try await browser.get("/").location == "/account/password")
        }
    }
}

@Suite("The shipped breached-password list (#13)")
struct BreachedPasswordListTests {
    @Test("over 100,000 real leaked passwords are refused when a staff member chooses one")
    func shippedList() async throws {
        // setup
        let list = try #require(BreachedPasswordList.shared, "fixtures/passwords/common-passwords.txt.gz is found from a checkout")
        let policy = PasswordPolicy(minimumLength: 12, breached: list)
        // act / check: entries from the list itself, and a passphrase that is not in it
        for leaked in ["iloveyou1234", "1qaz2wsx3edc4rfv", "correcthorsebatterystaple", "toshibact865", "weddingraishu.guptas05"] {
            #expect(!policy.violations(password: leaked, login: "x1").isEmpty, "\(leaked)")
        }
        #expect(policy.violations(password: "kanda-river-at-dusk", login: "x1").isEmpty)
    }

    @Test("changing one's own password to a leaked one is refused on the page")
    func refusedOnPage() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("tanaka", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("tanaka")
            let form = try await browser.get("/account/password")
            // act
            let refused = try await browser.post("/account/password", [("current", SiteHarness.password), ("new", "CorrectHorseBatteryStaple"),
                                                                       ("confirm", "CorrectHorseBatteryStaple")], csrf: form.csrf)
            // check
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("漏えいしたパスワードの一覧"))
        }
    }
}
