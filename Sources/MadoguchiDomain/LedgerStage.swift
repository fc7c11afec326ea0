/// Where a card stands in the ledger (カード管理簿, C6): delivered by J-LIS → inspected →
/// prepared (set up) → notified (pickup notice sent) → handed over; off the main line, returned
/// to J-LIS, on hold, or disposed of (destroyed when never collected, or when reissued).
public enum LedgerStage: String, CaseIterable, Sendable, Codable {
    case delivered, inspected, prepared, notified
    case handedOver = "handed-over"
    case onHold = "on-hold"
    case returned, disposed

    public var label: String {
        switch self {
        case .delivered: "納品"
        case .inspected: "検品済"
        case .prepared: "初期設定済"
        case .notified: "交付通知済"
        case .handedOver: "交付済"
        case .onHold: "保留"
        case .returned: "返送"
        case .disposed: "廃棄"
        }
    }

    /// The stages a card may move to from this one. Handing over needs a notified card;
    /// a hold can be lifted back to where the work resumes; returned and disposed are final.
    public var next: Set<LedgerStage> {
        switch self {
        case .delivered: [.inspected, .onHold, .returned]
        case .inspected: [.prepared, .onHold, .returned]
        case .prepared: [.notified, .onHold, .returned]
        case .notified: [.handedOver, .onHold, .disposed, .returned]
        case .onHold: [.inspected, .prepared, .notified, .returned, .disposed]
        case .handedOver: [.disposed]
        case .returned, .disposed: []
        }
    }

    public func canMove(to stage: LedgerStage) -> Bool { next.contains(stage) }

    /// Stages a resident may book a pickup for (A4): the card is here and being readied or ready.
    public var allowsPickupBooking: Bool { self == .prepared || self == .notified }
}
