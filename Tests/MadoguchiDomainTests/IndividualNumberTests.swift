import MadoguchiDomain
import Testing

@Suite("Individual number guard (privacy rule)")
struct IndividualNumberTests {
    @Test("check digit follows the GLOSSARY formula")
    func checkDigit() {
        // setup: 1234567890 1 → P1..P11 from the right = 1,0,9,8,7,6,5,4,3,2,1 with Q = 2,3,4,5,6,7,2,3,4,5,6:
        // 2+0+36+40+42+42+10+12+12+10+6 = 212, 212 mod 11 = 3, check digit 11-3 = 8.
        // act / check
        #expect(IndividualNumber.isValid("123456789018"))
        #expect(!IndividualNumber.isValid("123456789012"))
        #expect(!IndividualNumber.isValid("12345678901"))
        #expect(!IndividualNumber.isValid("１２３４５６７８９０１８"))
    }

    @Test("a remainder of 0 or 1 gives check digit 0")
    func smallRemainder() {
        // setup: all zeros gives sum 0 → r = 0 → check digit 0
        // act / check
        #expect(IndividualNumber.checkDigit(for: Array(repeating: 0, count: 11)) == 0)
        #expect(IndividualNumber.isValid("000000000000"))
    }

    @Test("numbers written in text are found, with spaces, hyphens and full-width digits",
          arguments: ["番号は123456789018です", "1234-5678-9018", "1234 5678 9018", "１２３４５６７８９０１８", "ﾒﾓ:1234－5678－9018"])
    func foundInText(_ text: String) {
        #expect(IndividualNumber.appears(in: text))
    }

    @Test("other digit runs are not mistaken for it",
          arguments: ["123456789012", "申請書ID 12345678901801234567890", "TEL 042-123-4567", "2026年11月29日", ""])
    func notFound(_ text: String) {
        #expect(!IndividualNumber.appears(in: text))
    }
}
