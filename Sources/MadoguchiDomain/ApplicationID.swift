/// The 23-digit application ID (申請書ID) printed on the application form and the pickup notice.
/// It is the key that links a booking, an intake record, documents and the ledger entry.
public struct ApplicationID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let digits: String

    /// Accepts 23 digits, half- or full-width, with the spaces or hyphens people type between
    /// groups; anything else is nil.
    public init?(_ text: String) {
        var digits = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: digits.unicodeScalars.append(scalar)
            case 0xFF10...0xFF19: digits.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0x20, 0x2D, 0x3000, 0xFF0D, 0x2010: continue
            default: return nil
            }
        }
        guard digits.count == 23 else { return nil }
        self.digits = digits
    }

    public var description: String { digits }

    public static let invalidMessage = "申請書IDは23桁の数字で入力してください。"
}
