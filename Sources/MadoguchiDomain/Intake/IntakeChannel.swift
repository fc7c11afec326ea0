/// How an application was received (B1).
public enum IntakeChannel: String, CaseIterable, Sendable, Codable {
    case counter, outreach, workplace, support

    public var label: String {
        switch self {
        case .counter: "窓口申請"
        case .outreach: "出張申請"
        case .workplace: "勤務地等経由申請"
        case .support: "申請サポート方式"
        }
    }

    /// Channels whose intakes are grouped under a session (a visit to a place).
    public var hasSessions: Bool { self == .outreach || self == .workplace }
}

/// Where an issuance fee stands (B3).
public enum FeeStatus: String, CaseIterable, Sendable, Codable {
    case due, paid, exempt, refunded

    public var label: String {
        switch self {
        case .due: "未収"
        case .paid: "収納済"
        case .exempt: "免除"
        case .refunded: "還付済"
        }
    }
}
