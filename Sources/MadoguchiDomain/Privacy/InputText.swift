/// The one rule for text arriving from outside (#19): form fields, JSON strings, query
/// parameters, path segments and imported cells. Refused, not stripped (the reason is shown, so
/// nothing changes silently), except line breaks and tabs at the ends of a one-line field:
/// - NUL and every other C0/C1 control character (tab, line feed and carriage return inside the
///   text only in fields that hold several lines), DEL, and the line/paragraph separators
///   U+2028/U+2029;
/// - invisible format characters (Unicode category Cf): zero-width spaces and joiners, the byte
///   order mark inside text, the bidirectional embeddings, overrides and isolates, soft hyphens,
///   tag characters;
/// - U+FFFD (what undecodable bytes became) and the noncharacters U+FFFE/U+FFFF.
/// Ideographic variation selectors (異体字, e.g. 葛󠄀) are combining marks, not format characters,
/// and pass; so do private-use 外字.
public enum InputText {
    /// Why `value` cannot be taken, in Japanese, or nil when it can. A one-line field may end
    /// (or start) with line breaks and tabs — a barcode scanner's Enter, a pasted cell — which the
    /// desks trim as they trim spaces; inside the text they are refused.
    public static func problem(_ value: String, multiline: Bool) -> String? {
        var scalars = Substring(value).unicodeScalars[...]
        if !multiline {
            let edge: Set<UInt32> = [0x09, 0x0A, 0x0D, 0x20]
            while let first = scalars.first, edge.contains(first.value) { scalars = scalars.dropFirst() }
            while let last = scalars.last, edge.contains(last.value) { scalars = scalars.dropLast() }
        }
        for scalar in scalars {
            let v = scalar.value
            switch v {
            case 0x09, 0x0A, 0x0D:
                if !multiline { return "改行やタブは入力できません" }
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029:
                return "制御文字（\(code(scalar))）は入力できません"
            case 0xFFFD:
                return "読み取れない文字（\(code(scalar))、文字化け）が含まれています"
            case 0xFFFE, 0xFFFF, 0xFDD0...0xFDEF:
                return "文字でない符号（\(code(scalar))）は入力できません"
            default:
                if scalar.properties.generalCategory == .format {
                    return "見えない文字（\(code(scalar))：ゼロ幅文字や書字方向の制御など）は入力できません"
                }
            }
        }
        return nil
    }

    /// The fields whose values may hold several lines (text areas, and the API's equivalents).
    public static let multilineFields: Set<String> = ["applicationIds", "body", "codes", "guidance", "lead", "notes", "lines", "message", "text"]

    static func code(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
