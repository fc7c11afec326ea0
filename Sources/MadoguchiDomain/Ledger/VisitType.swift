/// Whether the person's identity was checked when applying (申請時来庁: the card can be handed
/// over quickly or sent) or must be checked at pickup (交付時来庁). C4 keeps them as separate work lists.
public enum VisitType: String, CaseIterable, Sendable, Codable {
    case atApplication = "at-application"
    case atPickup = "at-pickup"

    public var label: String {
        switch self {
        case .atApplication: "申請時来庁"
        case .atPickup: "交付時来庁"
        }
    }

    public init?(fileValue: String) {
        switch FileValue.key(fileValue) {
        case "at-application", "申請時来庁", "申請時来庁方式", "申請時", "1", "01": self = .atApplication
        case "at-pickup", "交付時来庁", "交付時来庁方式", "交付時", "2", "02": self = .atPickup
        default: return nil
        }
    }

    /// The rule at import when the file says nothing (C4): identity verified at intake means the
    /// person already showed who they are.
    public static func fromIntake(identityVerified: Bool?) -> VisitType {
        identityVerified == true ? .atApplication : .atPickup
    }
}
