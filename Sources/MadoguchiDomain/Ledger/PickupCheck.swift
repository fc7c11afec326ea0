import Foundation

public enum PickupCheck: Sendable, Equatable {
    case ready(LedgerEntry)
    case noEntry
    case notReady(LedgerEntry)
    case onHold(LedgerEntry)

    public var isReady: Bool { if case .ready = self { true } else { false } }

    /// For staff: what the ledger says. Residents get `residentMessage`, which names no stage.
    public var staffMessage: String {
        switch self {
        case .ready(let entry): "カード管理簿: \(entry.stage.label)（交付予約できます）"
        case .noEntry: "カード管理簿にこの方のカードがありません（未納品か、申請書ID・氏名・生年月日の誤りの可能性があります）。"
        case .notReady(let entry): "カード管理簿: カードは「\(entry.stage.label)」で、まだ交付の準備ができていません。"
        case .onHold(let entry): "カード管理簿: カードは保留中です（\(entry.notes.isEmpty ? "理由は管理簿を確認" : entry.notes)）。"
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
