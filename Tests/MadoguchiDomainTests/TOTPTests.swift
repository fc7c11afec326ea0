import Foundation
import MadoguchiDomain
import Testing

@Suite("One-time passwords for staff MFA (RFC 4226, RFC 6238)")
struct TOTPTests {
    static let sha1Seed = Array("12345678901234567890".utf8)
    static let sha256Seed = Array("12345678901234567890123456789012".utf8)
    static let sha512Seed = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    @Test("HOTP values of RFC 4226 Appendix D, counters 0 to 9")
    func hotpVectors() {
        // setup: the RFC's table for the ASCII secret "12345678901234567890"
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        let totp = TOTP(secret: Self.sha1Seed)

        // act
        let codes = (0..<10).map { totp.code(step: Int64($0)) }

        // check
        #expect(codes == expected)
    }

    /// RFC 6238 Appendix B: 8 digits, 30 s steps, each algorithm with its own seed.
    @Test("TOTP values of RFC 6238 Appendix B for SHA-1, SHA-256 and SHA-512",
          arguments: [
              (59.0, "94287082", "46119246", "90693936"),
              (1_111_111_109, "07081804", "68084774", "25091201"),
              (1_111_111_111, "14050471", "67062674", "99943326"),
              (1_234_567_890, "89005924", "91819424", "93441116"),
              (2_000_000_000, "69279037", "90698825", "38618901"),
              (20_000_000_000, "65353130", "77737706", "47863826"),
          ])
    func totpVectors(time: Double, sha1: String, sha256: String, sha512: String) {
        // setup
        let date = Date(timeIntervalSince1970: time)

        // act
        let codes = [TOTP(secret: Self.sha1Seed, digits: 8, algorithm: .sha1).code(at: date),
                     TOTP(secret: Self.sha256Seed, digits: 8, algorithm: .sha256).code(at: date),
                     TOTP(secret: Self.sha512Seed, digits: 8, algorithm: .sha512).code(at: date)]

        // check
        #expect(codes == [sha1, sha256, sha512])
    }

    @Test("a code is accepted one step either side of now, never twice, and not after a later one")
    func acceptance() {
        // setup: 1,111,111,111 s is in step 37,037,037
        let totp = TOTP(secret: Self.sha1Seed)
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = totp.step(at: now)

        // act / check
        #expect(step == 37_037_037)
        #expect(totp.acceptedStep(for: totp.code(step: step), at: now, after: nil) == step)
        #expect(totp.acceptedStep(for: totp.code(step: step - 1), at: now, after: nil) == step - 1)
        #expect(totp.acceptedStep(for: totp.code(step: step + 1), at: now, after: nil) == step + 1)
        #expect(totp.acceptedStep(for: totp.code(step: step - 2), at: now, after: nil) == nil)
        #expect(totp.acceptedStep(for: totp.code(step: step), at: now, after: step) == nil, "replay of the same step")
        #expect(totp.acceptedStep(for: totp.code(step: step - 1), at: now, after: step) == nil, "older than the last accepted")
        #expect(totp.acceptedStep(for: " \(totp.code(step: step).prefix(3)) \(totp.code(step: step).suffix(3))", at: now, after: nil) == step)
        #expect(totp.acceptedStep(for: "12345", at: now, after: nil) == nil)
        #expect(totp.acceptedStep(for: "１２３４５６", at: now, after: nil) == nil)
    }

    @Test("base32 round-trips and matches RFC 4648's test vectors")
    func base32() {
        // setup: RFC 4648 §10
        let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
                       ("foobar", "MZXW6YTBOI")]

        // act / check
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
    }

    @Test("the enrolment URI names the issuer and account and carries the secret in base32")
    func provisioningURI() {
        // setup
        let totp = TOTP(secret: Self.sha1Seed)

        // act
        let uri = totp.provisioningURI(issuer: "窓口 Madoguchi", account: "suzuki")

        // check
        #expect(uri == "otpauth://totp/%E7%AA%93%E5%8F%A3%20Madoguchi:suzuki?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%E7%AA%93%E5%8F%A3%20Madoguchi")
    }
}
