/// Which expiry the renewal outreach (#16) looks at: the card's own (10 years, 5 for those under
/// 18 at issue) or its electronic certificate's (5 years), which runs out first for most adults.
public enum RenewalBasis: String, Sendable, CaseIterable {
    case card
    case certificate

    public var label: String {
        switch self {
        case .card: "カードの有効期限"
        case .certificate: "電子証明書の有効期限"
        }
    }

    /// The ledger column holding that date.
    public var column: String { self == .card ? "card_expiry" : "certificate_expiry" }
}
