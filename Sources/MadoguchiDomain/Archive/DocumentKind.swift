/// What a scanned document is. Masking of the individual-number area is configured per kind.
public enum DocumentKind: String, CaseIterable, Sendable, Codable {
    case applicationForm = "application-form"
    case identityDocument = "identity-document"
    case proxyLetter = "proxy-letter"
    case other

    public var label: String {
        switch self {
        case .applicationForm: "申請書"
        case .identityDocument: "本人確認書類"
        case .proxyLetter: "委任状"
        case .other: "その他"
        }
    }

    /// The label of a stored kind; an unknown one shows as it is.
    public static func label(of raw: String) -> String { DocumentKind(rawValue: raw)?.label ?? raw }

    public static let invalidMessage = "書類の種類は \(allCases.map(\.rawValue).joined(separator: ", ")) のいずれかです。"
}
