/// The 12-digit individual number (個人番号) and the guard that keeps it out of the system.
///
/// The system has no legal basis to hold specific personal information, so any free-text input
/// carrying a number whose check digit is valid is refused (GLOSSARY, privacy rule).
public enum IndividualNumber {
    /// True when `digits` is exactly 12 ASCII digits with a valid check digit.
    public static func isValid(_ digits: String) -> Bool {
        let values = digits.compactMap { $0.wholeNumberValue }
        guard values.count == 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return checkDigit(for: Array(values[0..<11])) == values[11]
    }

    /// The check digit for the first eleven digits (most significant first).
    public static func checkDigit(for first11: [Int]) -> Int {
        precondition(first11.count == 11)
        var sum = 0
        for n in 1...11 {
            let p = first11[11 - n]
            let q = n <= 6 ? n + 1 : n - 5
            sum += p * q
        }
        let r = sum % 11
        return r <= 1 ? 0 : 11 - r
    }

    /// Whether `text` contains something that reads as an individual number: 12 digits in a row
    /// (half- or full-width), possibly split by spaces or hyphens as people write them (4-4-4),
    /// whose check digit is valid. Longer digit runs (e.g. a 23-digit application ID) do not count.
    public static func appears(in text: String) -> Bool {
        // Fewer than twelve digits anywhere: nothing to look at (most names and addresses).
        var digits = 0
        for scalar in text.unicodeScalars where (0x30...0x39).contains(scalar.value) || (0xFF10...0xFF19).contains(scalar.value) {
            digits += 1
        }
        guard digits >= 12 else { return false }
        var runs: [[Int]] = [[]]
        var lastWasSeparator = false
        for ch in text {
            if let v = digitValue(ch) {
                runs[runs.count - 1].append(v)
                lastWasSeparator = false
            } else if (ch == "-" || ch == " " || ch == "－" || ch == "　" || ch == "‐"), !lastWasSeparator,
                      !(runs.last?.isEmpty ?? true) {
                lastWasSeparator = true
            } else {
                runs.append([])
                lastWasSeparator = false
            }
        }
        for run in runs where run.count == 12 {
            if checkDigit(for: Array(run[0..<11])) == run[11] { return true }
        }
        return false
    }

    /// The message shown next to a field that was refused.
    public static let refusalMessage = "個人番号（マイナンバー）と思われる12桁の番号が含まれています。個人番号は入力できません。"

    private static func digitValue(_ ch: Character) -> Int? {
        guard let scalar = ch.unicodeScalars.first, ch.unicodeScalars.count == 1 else { return nil }
        switch scalar.value {
        case 0x30...0x39: return Int(scalar.value - 0x30)
        case 0xFF10...0xFF19: return Int(scalar.value - 0xFF10)
        default: return nil
        }
    }
}
