import Foundation

public enum StatisticsKind: String, CaseIterable, Sendable {
    case bookings, intakes, fees, documents, ledger

    public var label: String {
        switch self {
        case .ledger: "カードの交付工程"
        case .bookings: "来庁予約"
        case .intakes: "申請受付"
        case .fees: "手数料"
        case .documents: "書類イメージ"
        }
    }
}
