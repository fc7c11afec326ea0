import MadoguchiDomain
import Testing

/// Property tests of the individual-number guard (#19): thousands of valid numbers, each written
/// in a random mixture of digit scripts, split into random groups by random separators and put
/// inside random Japanese text, are all found; the same spellings with a wrong check digit, and
/// application IDs, are not. A seeded generator, so a failure names a case that can be replayed.
@Suite("Individual number guard: every spelling")
struct IndividualNumberSpellingTests {
    /// SplitMix64: small, fast, the same sequence for the same seed on every machine.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The zero of each decimal script tried (its digits follow it), and the other spellings.
    static let zeros: [UInt32] = [0x30, 0xFF10, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x0BE6, 0x1040]
    static let kanji: [Character] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    static let circled: [Character] = ["⓪", "①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨"]
    static let separators = [" ", "-", "--", ".", "/", "・", "　", "‐", "－", "\u{200B}", ", ", "_", " - ", "(", ")", "~", "\u{202E}", "\t", "*"]
    static let surroundings = ["", "番号は", "メモ：", "個人番号 ", "山田", "住所 東京都", "tel "]

    static func digit(_ value: Int, _ rng: inout Generator) -> Character {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return kanji[value]
        case 1: return circled[value]
        default:
            let zero = zeros.randomElement(using: &rng)!
            return Character(Unicode.Scalar(zero + UInt32(value))!)
        }
    }

    /// `digits` written with random scripts, grouping and separators, inside random text.
    static func spelled(_ digits: [Int], _ rng: inout Generator) -> String {
        var text = surroundings.randomElement(using: &rng)!
        for (index, value) in digits.enumerated() {
            text.append(digit(value, &rng))
            if index < digits.count - 1, Int.random(in: 0..<4, using: &rng) == 0 { text += separators.randomElement(using: &rng)! }
        }
        return text + ["", "です", " まで", "。"].randomElement(using: &rng)!
    }

    static func validNumber(_ rng: inout Generator) -> [Int] {
        let first = (0..<11).map { _ in Int.random(in: 0...9, using: &rng) }
        return first + [IndividualNumber.checkDigit(for: first)]
    }

    @Test("valid numbers in 3,000 random spellings are all found")
    func validSpellingsFound() {
        // setup
        var rng = Generator(state: 19)
        // act / check
        for n in 0..<3000 {
            let text = Self.spelled(Self.validNumber(&rng), &rng)
            #expect(IndividualNumber.appears(in: text), "case \(n): \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test("the bypasses reported in #19 and their relatives are found",
          arguments: ["1234.5678.9018", "1234--5678--9018", "𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎𝟏𝟖", "١٢٣٤٥٦٧٨٩٠١٨", "1234\u{200B}5678\u{200B}9018", "１２３４・５６７８・９０１８",
                      "一二三四五六七八九〇一八", "①②③④⑤⑥⑦⑧⑨⓪①⑧", "(1234) 5678-9018", "1234 5678 9018 5", "番号 123456789018 1", "1 2 3 4 5 6 7 8 9 0 1 8"])
    func reportedBypasses(_ text: String) {
        #expect(IndividualNumber.appears(in: text))
    }

    @Test("the same spellings with a wrong check digit, and application IDs however grouped, are not refused")
    func invalidNotFound() {
        // setup
        var rng = Generator(state: 2026)
        // act / check
        for n in 0..<2000 {
            var digits = Self.validNumber(&rng)
            digits[11] = (digits[11] + Int.random(in: 1...9, using: &rng)) % 10
            let text = Self.spelled(digits, &rng)
            #expect(!IndividualNumber.appears(in: text), "case \(n): \(text)")
        }
        for _ in 0..<500 {
            let id = (0..<23).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            let grouped = stride(from: 0, to: 23, by: 4).map { start in
                String(id.dropFirst(start).prefix(4))
            }.joined(separator: " ")
            #expect(!IndividualNumber.appears(in: "申請書ID \(id)") && !IndividualNumber.appears(in: grouped), "\(grouped)")
        }
    }
}
