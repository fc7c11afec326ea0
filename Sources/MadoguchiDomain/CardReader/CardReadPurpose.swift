import Foundation

/// Why staff asked the counter reader to read a card: to record the card's data in the ledger
/// (C7), or to confirm at handover that the card in hand is this entry's card.
public enum CardReadPurpose: String, Sendable, Codable, CaseIterable {
    case record
    case handover

    public var label: String {
        switch self {
        case .record: "カード情報の記録"
        case .handover: "交付時の本人カード確認"
        }
    }
}
