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
        case .onHold: [.delivered, .inspected, .prepared, .notified, .returned, .disposed]
        case .handedOver: [.disposed]
        case .returned, .disposed: []
        }
    }

    public func canMove(to stage: LedgerStage) -> Bool { next.contains(stage) }

    /// Stages a resident may book a pickup for (A4): the card is here and being readied or ready.
    public var allowsPickupBooking: Bool { self == .prepared || self == .notified }
}

extension LedgerStage {
    /// The stages of the main line, in order; a hold resumes at the stage it was taken from or an earlier one.
    public static let mainLine: [LedgerStage] = [.delivered, .inspected, .prepared, .notified, .handedOver]

    /// Reads a stage from a file (E5): our raw value or the Japanese words a city ledger uses.
    public init?(fileValue: String) {
        let key = FileValue.key(fileValue)
        if let stage = LedgerStage(rawValue: key) {
            self = stage
            return
        }
        switch key {
        case "納品", "納品済", "未検品": self = .delivered
        case "検品", "検品済", "検品済み": self = .inspected
        case "初期設定", "初期設定済", "交付前設定", "交付前設定済", "交付前設定処理済": self = .prepared
        case "交付通知", "交付通知済", "通知済", "通知書発送済", "交付通知書発送済": self = .notified
        case "交付", "交付済", "交付済み": self = .handedOver
        case "保留", "保留中": self = .onHold
        case "返送", "返送済", "返納": self = .returned
        case "廃棄", "廃棄済": self = .disposed
        default: return nil
        }
    }

    /// Whether the card is still in the office's hands (so it has, or may have, a storage place).
    public var isHeld: Bool {
        switch self {
        case .delivered, .inspected, .prepared, .notified, .onHold: true
        case .handedOver, .returned, .disposed: false
        }
    }
}
