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

    /// Whether `text` contains something that reads as an individual number: twelve digits whose
    /// check digit is valid, however they are written (#19). Every decimal digit counts, whatever
    /// its script (`\p{Nd}`: ASCII, full-width, mathematical, Arabic-Indic, Devanagari, …), and
    /// digits stay together across short runs of anything that is not a letter or a digit
    /// (spaces, `-`, `--`, `.`, `/`, `・`, brackets, invisible characters, combining marks) — the
    /// ways people and evaders split 1234-5678-9018. Twelve digits count alone, and also as a
    /// 12-digit stretch of whole groups inside a longer run ("1234 5678 9018 5"); a run of exactly
    /// 23 digits is an application ID (申請書ID, shown 4-4-4-4-4-3) and does not count.
    public static func appears(in text: String) -> Bool {
        // Fewer than twelve digits anywhere: nothing to look at (most names and addresses).
        var total = 0
        for scalar in text.unicodeScalars where digitValue(scalar) != nil { total += 1 }
        guard total >= 12 else { return false }
        for run in runs(text) where run.reduce(0, { $0 + $1.count }) != 23 {
            let digits = run.flatMap { $0 }
            if digits.count == 12, isCheckValid(digits) { return true }
            // Every stretch of whole groups that is twelve digits long.
            for start in run.indices {
                var stretch: [Int] = []
                for group in run[start...] {
                    stretch += group
                    if stretch.count >= 12 { break }
                }
                if stretch.count == 12, isCheckValid(stretch) { return true }
            }
        }
        return false
    }

    /// Separators longer than this end a run: "1234 (tel) 5678" is two numbers, not one.
    static let maxSeparator = 3

    /// The digit runs of `text`, each as its groups (the digits between separators).
    static func runs(_ text: String) -> [[[Int]]] {
        var runs: [[[Int]]] = []
        var groups: [[Int]] = []
        var separator = 0
        func close() {
            if !groups.isEmpty { runs.append(groups) }
            groups = []
            separator = 0
        }
        for scalar in text.unicodeScalars {
            if let value = digitValue(scalar) {
                if separator > 0 || groups.isEmpty { groups.append([]) }
                groups[groups.count - 1].append(value)
                separator = 0
            } else if joins(scalar), !groups.isEmpty {
                separator += 1
                if separator > maxSeparator { close() }
            } else {
                close()
            }
        }
        close()
        return runs
    }

    /// What may stand between two digit groups of one number: not a letter, not a digit.
    static func joins(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .letterNumber, .otherNumber:
            return false
        default:
            return true
        }
    }

    static func isCheckValid(_ digits: [Int]) -> Bool {
        checkDigit(for: Array(digits[0..<11])) == digits[11]
    }

    /// The message shown next to a field that was refused.
    public static let refusalMessage = "個人番号（マイナンバー）と思われる12桁の番号が含まれています。個人番号は入力できません。"

    /// The value of a digit in any spelling, else nil: a decimal digit of any script (Nd), a
    /// single-digit "other number" (①, ⓪, ¹, ₂: No), or a kanji numeral (〇一二…九, 零).
    static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        if let kanji = kanjiDigits[scalar] { return kanji }
        switch scalar.properties.generalCategory {
        case .decimalNumber, .otherNumber:
            guard let value = scalar.properties.numericValue, value >= 0, value <= 9, value == value.rounded() else { return nil }
            return Int(value)
        default:
            return nil
        }
    }

    static let kanjiDigits: [Unicode.Scalar: Int] = ["〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
}
