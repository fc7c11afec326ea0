/// Why the card was issued (申請区分): a first card, a renewal at expiry, or a reissue after loss
/// or damage. Only a reissue carries a fee (B3).
public enum CardKind: String, CaseIterable, Sendable, Codable {
    case new, renewal, reissue

    public var label: String {
        switch self {
        case .new: "新規"
        case .renewal: "更新"
        case .reissue: "再交付"
        }
    }

    /// Reads the value as files and people write it: our raw value, the Japanese label, or the
    /// code numbers 1-3 that terminal exports use.
    public init?(fileValue: String) {
        switch FileValue.key(fileValue) {
        case "new", "新規", "新規申請", "新規交付", "1", "01": self = .new
        case "renewal", "更新", "更新申請", "更新交付", "2", "02": self = .renewal
        case "reissue", "再交付", "再発行", "再交付申請", "3", "03": self = .reissue
        default: return nil
        }
    }
}
