import MadoguchiDomain
import Testing

@Suite("Password policy and hashing (E3)")
struct PasswordPolicyTests {
    let policy = PasswordPolicy(minimumLength: 12)

    @Test("a long, unrelated passphrase passes")
    func acceptsGood() {
        #expect(policy.violations(password: "kanda-river-at-dusk", login: "tanaka").isEmpty)
    }

    @Test("short, login-containing, common and over-72-byte passwords are refused")
    func refusesBad() {
        #expect(policy.violations(password: "short1", login: "tanaka").count == 1)
        #expect(policy.violations(password: "tanaka-2026-spring", login: "tanaka").contains { $0.contains("ログインID") })
        #expect(!policy.violations(password: "password1234", login: "x1").isEmpty)
        #expect(!policy.violations(password: "aaaaaaaaaaaaaaaa", login: "x1").isEmpty)
        // 25 kanji = 75 bytes in UTF-8: bcrypt would silently ignore the tail.
        #expect(policy.violations(password: String(repeating: "窓", count: 25), login: "x1").contains { $0.contains("72バイト") })
    }

    @Test("bcrypt hashes use cost 12 or more and verify only the right password")
    func bcrypt() {
        // setup
        let hasher = PasswordHasher(cost: 4)
        // act
        let hash = hasher.hash("kanda-river-at-dusk")
        // check: the floor is enforced even when a lower cost is asked for
        #expect(hash.hasPrefix("$2b$12$") || hash.hasPrefix("$2a$12$") || hash.hasPrefix("$2y$12$"))
        #expect(hasher.verify("kanda-river-at-dusk", against: hash))
        #expect(!hasher.verify("kanda-river-at-dawn", against: hash))
    }
}
