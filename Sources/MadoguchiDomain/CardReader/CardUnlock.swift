import Foundation

/// How the holder's card is opened for a read: with 照合番号B, which staff key from the card
/// face (birth date as era-year YYMMDD, the expiry year, the 4-digit security code), or with the
/// holder's 4-digit PIN typed on the counter terminal itself (never through the staff site).
public enum CardUnlock: String, Sendable, Codable, CaseIterable {
    case verificationCodeB = "code-b"
    case pin

    public var label: String {
        switch self {
        case .verificationCodeB: "照合番号B（券面の生年月日・有効期限の年・セキュリティコード）"
        case .pin: "暗証番号（ご本人が読取端末で入力）"
        }
    }
}

/// 照合番号B as staff key it: 14 digits. Its `description` never shows the digits, so a log line
/// or an error message that interpolates one by mistake leaks nothing.
public struct VerificationCodeB: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let digits: String

    /// Full-width digits, spaces and hyphens (how people group it) are accepted.
    public init(_ text: String) throws {
        let digits = FileValue.key(text).filter { $0 != " " && $0 != "-" }
        guard digits.count == 14, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw InvalidInput([FieldProblem(field: "codeB", message: Self.formatMessage)])
        }
        let month = Int(digits.dropFirst(2).prefix(2)) ?? 0, day = Int(digits.dropFirst(4).prefix(2)) ?? 0
        guard (1...12).contains(month), (1...31).contains(day) else {
            throw InvalidInput([FieldProblem(field: "codeB", message: "照合番号Bの先頭6桁は生年月日（和暦の年・月・日）です。券面を確認してください。")])
        }
        self.digits = digits
    }

    public static let formatMessage = "照合番号Bは14桁の数字です（生年月日の和暦6桁・有効期限の西暦年4桁・セキュリティコード4桁）。"

    public var description: String { "照合番号B(14桁・非表示)" }
    public var debugDescription: String { description }

    /// The bytes VERIFY sends (ASCII digits).
    public var bytes: [UInt8] { Array(digits.utf8) }
}
