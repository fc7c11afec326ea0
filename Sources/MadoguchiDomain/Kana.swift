/// Furigana as the registry keeps it: full-width katakana. Hiragana is converted (people type
/// either); anything else (kanji, Latin, half-width kana) is refused so that search keys agree.
public enum Kana {
    /// The katakana form of `text`, or nil when it contains something that is not kana.
    /// Spaces (half- or full-width) between family and given name are kept as one full-width space.
    public static func katakana(_ text: String) -> String? {
        var result = String.UnicodeScalarView()
        for scalar in text.trimmingWhitespace.unicodeScalars {
            switch scalar.value {
            case 0x3041...0x3096: result.append(Unicode.Scalar(scalar.value + 0x60)!)  // ひらがな → カタカナ
            case 0x30A1...0x30F6, 0x30FC, 0x30FB: result.append(scalar)                // カタカナ, ー, ・
            case 0x20, 0x3000: result.append(Unicode.Scalar(0x3000)!)
            default: return nil
            }
        }
        return String(result)
    }

    /// The search key: katakana without spaces.
    public static func searchKey(_ text: String) -> String? {
        katakana(text).map { $0.replacingOccurrences(of: "\u{3000}", with: "") }
    }

    public static let invalidMessage = "フリガナは全角カタカナ（またはひらがな）で入力してください。"
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\u{3000}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\u{3000}" { scalars.removeLast() }
        return String(scalars)
    }
}
