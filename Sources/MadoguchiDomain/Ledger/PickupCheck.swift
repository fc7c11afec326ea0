import Foundation

/// What the card ledger says about a pickup booking (A4). Staff get the entry; the public site
/// asks `pickup_verdict` in the database, which answers with a word only, so its entry is nil.
public enum PickupCheck: Sendable, Equatable {
    case ready(LedgerEntry?)
    case noEntry
    case notReady(LedgerEntry?)
    case onHold(LedgerEntry?)

    public var isReady: Bool { if case .ready = self { true } else { false } }

    /// The verdict word `pickup_verdict` returns (and the same word for a staff check).
    public var verdict: String {
        switch self {
        case .ready: "ready"
        case .noEntry: "no-entry"
        case .notReady: "not-ready"
        case .onHold: "on-hold"
        }
    }

    /// From `pickup_verdict`'s answer; an unknown word is treated as no card.
    public init(verdict: String) {
        switch verdict {
        case "ready": self = .ready(nil)
        case "not-ready": self = .notReady(nil)
        case "on-hold": self = .onHold(nil)
        default: self = .noEntry
        }
    }

    /// For staff: what the ledger says. Residents get `residentMessage`, which names no stage.
    public var staffMessage: String {
        switch self {
        case .ready(let entry): "カード管理簿: \(entry?.stage.label ?? "交付準備済")（交付予約できます）"
        case .noEntry: "カード管理簿にこの方のカードがありません（未納品か、申請書ID・氏名・生年月日の誤りの可能性があります）。"
        case .notReady(let entry): "カード管理簿: カードは「\(entry?.stage.label ?? "準備中")」で、まだ交付の準備ができていません。"
        case .onHold(let entry): "カード管理簿: カードは保留中です（\(entry.map { $0.notes.isEmpty ? "理由は管理簿を確認" : $0.notes } ?? "理由は管理簿を確認")）。"
        }
    }

    /// One message for every refusal: someone who knows a person's kana and date of birth
    /// must not learn whether a card exists or is on hold.
    public func residentMessage(_ language: BookingLanguage) -> String {
        if case .ready = self { return "" }
        return language == .en
            ? "Your card cannot be booked for pickup yet. Please book after you receive the pickup notice (交付通知書), with the application ID on it; if you have it already, please call the office."
            : "お申し込みのカードは、まだ交付の予約ができません。交付通知書が届いてから、通知書の申請書IDでご予約ください。通知書がお手元にある場合は市民課へお電話ください。"
    }
}
