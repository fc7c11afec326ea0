import Foundation

/// A message to a resident, composed when the change that causes it is made (#16) and queued in
/// the same transaction. Its text is final: the worker only sends it.
public struct OutgoingMail: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case bookingConfirmation = "booking-confirmation"
        case bookingMoved = "booking-moved"
        case bookingCancelled = "booking-cancelled"
        case bookingReminder = "booking-reminder"
        case slotWithdrawn = "slot-withdrawn"
        case cardReady = "card-ready"
        case renewalInvitation = "renewal-invitation"

        /// Written from a booking (the card kinds are written from a ledger entry).
        public var isAboutBooking: Bool { self != .cardReady && self != .renewalInvitation }

        public var label: String {
            switch self {
            case .bookingConfirmation: "予約の確認"
            case .bookingMoved: "予約の変更"
            case .bookingCancelled: "予約の取消"
            case .bookingReminder: "前日のお知らせ"
            case .slotWithdrawn: "予約枠の取りやめ"
            case .cardReady: "カードの交付準備完了"
            case .renewalInvitation: "更新のご案内"
            }
        }
    }

    public var kind: Kind
    public var bookingID: Int64?
    /// The card a card-ready mail or a renewal invitation is about.
    public var ledgerEntryID: Int64?
    public var recipient: String
    public var subject: String
    public var body: String
    /// When it is due (a reminder is written with its booking and waits); nil: at once.
    public var dueAt: Date?
    /// The resident site's link that stops this kind of mail (`List-Unsubscribe`), where one applies.
    public var unsubscribeURL: String?

    public init(kind: Kind, bookingID: Int64?, ledgerEntryID: Int64? = nil, recipient: String, subject: String, body: String,
                dueAt: Date? = nil, unsubscribeURL: String? = nil) {
        self.kind = kind
        self.bookingID = bookingID
        self.ledgerEntryID = ledgerEntryID
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.dueAt = dueAt
        self.unsubscribeURL = unsubscribeURL
    }
}

/// One row of a booking's delivery log, for staff.
public struct MailDelivery: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var recipient: String
    public var status: String
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    public init(id: Int64, kind: String, recipient: String, status: String, attempts: Int, lastError: String?, createdAt: Date, sentAt: Date?) {
        self.id = id
        self.kind = kind
        self.recipient = recipient
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
    }

    public var statusLabel: String {
        switch status {
        case "sent": "送信済"
        case "failed": "送信できず（宛先不可）"
        case "suppressed": "送信停止中の宛先"
        case "withdrawn": "取りやめ（予約の変更・取消）"
        default: attempts == 0 ? "送信待ち" : "再送待ち（\(attempts)回失敗）"
        }
    }
}
