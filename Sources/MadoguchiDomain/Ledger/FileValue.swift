import Foundation

/// Cells of imported files as people and terminals write them: full-width digits and letters,
/// half-width katakana, stray spaces. One normalisation, so every parser compares the same form.
public enum FileValue {
    /// NFKC (full-width ASCII → ASCII, half-width kana → full-width, ㈱ → (株)) is only applied where
    /// it is needed, because it would also rewrite characters people want kept in names (①, ㈱).
    public static func key(_ text: String) -> String {
        // Most cells are plain ASCII or ordinary kanji/kana; NFKC (slow through Foundation) is only
        // run when a full-width or half-width form or an ideographic space is present.
        let needsNFKC = text.unicodeScalars.contains { (0xFF00...0xFFEF).contains($0.value) || $0.value == 0x3000 }
        return trim(needsNFKC ? text.precomposedStringWithCompatibilityMapping : text)
    }

    /// White space and line breaks removed at both ends (a scalar loop: Foundation's trimming is
    /// slow on Linux, and an import calls this for every cell).
    public static func trim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        guard let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }

    /// A name or address: kept as written, spaces trimmed, runs of spaces made one full-width space.
    public static func text(_ raw: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in trim(raw).unicodeScalars {
            if scalar == " " || scalar == "\u{3000}" || scalar == "\t" {
                pendingSpace = true
                continue
            }
            if pendingSpace { out.append("\u{3000}") }
            pendingSpace = false
            out.append(scalar)
        }
        return String(out)
    }

    /// Furigana from a file: half-width katakana (ﾔﾏﾀﾞ ﾀﾛｳ, common in terminal exports) and
    /// hiragana become full-width katakana; nil when something else is in it.
    public static func kana(_ raw: String) -> String? {
        let halfWidth = raw.unicodeScalars.contains { (0xFF61...0xFF9F).contains($0.value) }
        return Kana.katakana(halfWidth ? fullWidthKana(raw) : raw)
    }

    /// ｱ → ア, ｶﾞ → ガ, ﾊﾟ → パ, ｰ → ー (JIS X 0201 katakana, as terminals export it).
    static func fullWidthKana(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if (v == 0xFF9E || v == 0xFF9F), let last = out.last, let combined = voiced(last, semi: v == 0xFF9F) {
                out.removeLast()
                out.append(combined)
            } else if (0xFF66...0xFF9D).contains(v), let mapped = Unicode.Scalar(halfWidthTable[Int(v - 0xFF66)]) {
                out.append(mapped)
            } else if v == 0xFF61 || v == 0xFF64 || v == 0xFF65 {
                out.append(Unicode.Scalar(v == 0xFF65 ? 0x30FB : 0x3000)!)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static let halfWidthTable: [UInt32] = Array("ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン".unicodeScalars.map(\.value))

    static func voiced(_ base: Unicode.Scalar, semi: Bool) -> Unicode.Scalar? {
        let v = base.value
        if semi { return halfVoiceable.contains(v) ? Unicode.Scalar(v + 2) : nil }
        if v == 0x30A6 { return Unicode.Scalar(0x30F4) }  // ウ゛ → ヴ
        return voiceable.contains(v) ? Unicode.Scalar(v + 1) : nil
    }

    /// カキクケコ サシスセソ タチツテト ハヒフヘホ: the voiced form is the next code point.
    static let voiceable: Set<UInt32> = [0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD,
                                         0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB]
    /// ハヒフヘホ: the half-voiced form (パピプペポ) is two code points on.
    static let halfVoiceable: Set<UInt32> = [0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB]
}
