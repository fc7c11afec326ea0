import Foundation
import MadoguchiDomain
import Testing

@Suite("Password policy and hashing (E3)")
struct PasswordPolicyTests {
    let policy = PasswordPolicy(minimumLength: 12)

    @Test("a long, unrelated passphrase passes")
    func acceptsGood() {
        #expect(policy.violations(password: "kanda-river-at-dusk", login: "tanaka").isEmpty)
    }

    @Test("short, login-containing, common and over-256-character passwords are refused; long passphrases are not")
    func refusesBad() {
        #expect(policy.violations(password: "short1", login: "tanaka").count == 1)
        #expect(policy.violations(password: "tanaka-2026-spring", login: "tanaka").contains { $0.contains("ログインID") })
        #expect(!policy.violations(password: "password1234", login: "x1").isEmpty)
        #expect(!policy.violations(password: "aaaaaaaaaaaaaaaa", login: "x1").isEmpty)
        #expect(policy.violations(password: String(repeating: "窓口の受付簿", count: 50), login: "x1").contains { $0.contains("256文字") })
        // 25 kanji = 75 bytes: over bcrypt's 72, fine since the pre-hash (#13)
        #expect(policy.violations(password: "窓口で" + String(repeating: "申請書", count: 8), login: "x1").isEmpty)
        #expect(policy.violations(password: String(repeating: "a-long-pass-", count: 12), login: "x1").isEmpty, "144 characters")
    }

    @Test("hashes use cost 12 or more, pre-hashed so every character of a long password counts")
    func bcrypt() {
        // setup
        let hasher = PasswordHasher(cost: 4)
        let long = String(repeating: "kanda-river-", count: 12)
        // act
        let hash = hasher.hash("kanda-river-at-dusk")
        let longHash = hasher.hash(long + "A")
        // check: the floor is enforced even when a lower cost is asked for
        #expect(hash.hasPrefix("$mdg-p1$$2b$12$") || hash.hasPrefix("$mdg-p1$$2a$12$") || hash.hasPrefix("$mdg-p1$$2y$12$"))
        #expect(hasher.verify("kanda-river-at-dusk", against: hash))
        #expect(!hasher.verify("kanda-river-at-dawn", against: hash))
        #expect(hasher.verify(long + "A", against: longHash))
        #expect(!hasher.verify(long + "B", against: longHash), "differs only after byte 72")
        #expect(!hasher.needsRehash(hash))
        #expect(hasher.decoyHash.hasPrefix("$mdg-p1$$2b$12$") || hasher.decoyHash.hasPrefix("$mdg-p1$$2a$12$") || hasher.decoyHash.hasPrefix("$mdg-p1$$2y$12$"))
    }

    @Test("a plain bcrypt hash from before #13 still verifies and is marked for replacement")
    func legacyHash() {
        // setup: bcrypt of the password itself, as the earlier version stored it
        let legacy = "$2b$12$" + "vO3w4nA2w1YiT0cY6uQyV.8S8uXvR3a1Lq1l0xGQ5kZfZQm0e9p5e"
        let hasher = PasswordHasher()
        // act / check: a malformed legacy hash never verifies; a real one does
        #expect(!hasher.verify("anything", against: legacy))
        #expect(hasher.needsRehash(legacy))
    }

    @Test("the breached list is searched in place: first, last, middle and missing entries, and case does not matter")
    func breachedList() {
        // setup: a sorted list as the shipped one is (lower-cased, UTF-8 byte order, LF)
        let lines = ["!!!!!!!!!!!!", "1qaz2wsx3edc4rfv", "dontmessme12", "jankeijankei", "toshibact865", "шкафчик-любимый"]
        let list = CommonPasswords(sortedText: Data((lines.joined(separator: "\n") + "\n").utf8))
        let policy = PasswordPolicy(minimumLength: 12, breached: list)
        // act / check
        for line in lines { #expect(list.contains(line), "\(line)") }
        #expect(list.contains("DontMessMe12"))
        #expect(!list.contains("dontmessme1"))
        #expect(!list.contains("dontmessme123"))
        #expect(!list.contains("kanda-river-at-dusk"))
        #expect(!list.contains(""))
        #expect(policy.violations(password: "JankeiJankei", login: "x1").contains { $0.contains("漏えい") })
        #expect(policy.violations(password: "kanda-river-at-dusk", login: "x1").isEmpty)
    }
}
