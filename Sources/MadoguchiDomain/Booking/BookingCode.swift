/// The code a resident gets for a booking (予約番号): printed, read over the phone, carried in
/// the QR code for check-in.
///
/// Ten characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B) carry
/// about 46 bits: with the date of birth also required and lookups rate-limited, guessing one
/// is hopeless, and it stays short enough to read aloud.
public enum BookingCode {
    public static let alphabet = Array("ACDEFGHJKMNPQRTUVWXY34679")
    public static let length = 10

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The stored form of what a person typed or a scanner sent: full-width characters folded,
    /// lower case raised, hyphens and spaces dropped. Nil when it cannot be a booking code.
    public static func normalized(_ text: String) -> String? {
        var result = ""
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }  // full-width ASCII
            guard let folded = Unicode.Scalar(value) else { return nil }
            let character = Character(folded)
            if character == "-" || character == " " || character == "\u{3000}" || character == "ー" { continue }
            // uppercased() may give more than one character (ß → SS): only one letter of the alphabet counts.
            let upper = character.uppercased()
            guard upper.count == 1, let letter = upper.first, alphabet.contains(letter) else { return nil }
            result.append(letter)
        }
        return result.count == length ? result : nil
    }

    /// `ACDEF-GHJKM`: easier to read and type in two halves.
    public static func display(_ code: String) -> String {
        guard code.count == length else { return code }
        return String(code.prefix(5)) + "-" + String(code.suffix(5))
    }
}
