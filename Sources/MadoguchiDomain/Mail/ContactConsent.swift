import Foundation

/// A person's agreement to be written to about their card (#16): "your card is ready" and the
/// renewal invitation go only to an address with one in force.
public struct ContactConsent: Sendable, Equatable {
    public enum Source: String, Sendable {
        /// The box ticked on the resident site's booking form.
        case booking
        /// Recorded by staff at the counter, with the person's agreement.
        case intake

        public var label: String { self == .booking ? "予約時（本人）" : "窓口受付時" }
    }

    public enum Withdrawer: String, Sendable {
        case resident, staff, replaced

        public var label: String {
            switch self {
            case .resident: "本人が停止"
            case .staff: "職員が停止"
            case .replaced: "新しい登録に置換"
            }
        }
    }

    public var id: Int64
    public var applicationID: String
    public var email: String
    public var source: Source
    public var consentedAt: Date
    public var withdrawnAt: Date?
    public var withdrawnBy: Withdrawer?

    public init(id: Int64, applicationID: String, email: String, source: Source, consentedAt: Date, withdrawnAt: Date?, withdrawnBy: Withdrawer?) {
        self.id = id
        self.applicationID = applicationID
        self.email = email
        self.source = source
        self.consentedAt = consentedAt
        self.withdrawnAt = withdrawnAt
        self.withdrawnBy = withdrawnBy
    }

    public var inForce: Bool { withdrawnAt == nil }

    /// The address as the form gave it, checked like a booking's (nil when it is not one).
    public static func cleanAddress(_ raw: String) -> String? {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        return EmailAddress.isValid(email) ? email : nil
    }

    /// What stops the booking form's "mail me when my card is ready" box from being recorded:
    /// it needs the application ID (the card is found by it) and an address.
    public static func problems(wanted: Bool, email: String, applicationID: String, language: BookingLanguage) -> [FieldProblem] {
        guard wanted, email.trimmingCharacters(in: .whitespaces).isEmpty || applicationID.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        return [FieldProblem(field: "cardMail", message: language == .en
            ? "To be mailed when your card is ready, enter both your email address and the 23-digit application ID."
            : "カードの準備ができたときのメールを希望する場合は、メールアドレスと申請書ID（23桁）の両方を入力してください。")]
    }
}
