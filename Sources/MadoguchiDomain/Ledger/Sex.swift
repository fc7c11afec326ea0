/// Sex as the registry records it; stored as `male`, `female` or `unspecified`.
public enum Sex: String, CaseIterable, Sendable, Codable {
    case male, female, unspecified

    public var label: String {
        switch self {
        case .male: "男"
        case .female: "女"
        case .unspecified: ""
        }
    }

    /// Files write 男/女, 男性/女性, the registry codes 1/2, or M/F; an empty cell is unspecified.
    public init?(fileValue: String) {
        switch FileValue.key(fileValue).lowercased() {
        case "male", "男", "男性", "1", "m": self = .male
        case "female", "女", "女性", "2", "f": self = .female
        case "", "unspecified", "不明", "9", "0": self = .unspecified
        default: return nil
        }
    }
}
