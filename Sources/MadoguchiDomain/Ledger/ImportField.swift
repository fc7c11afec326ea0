/// A column an import understands. Each field knows the header names it is found under by
/// default, so that a file with the documented layout needs no mapping at all.
public protocol ImportField: RawRepresentable<String>, CaseIterable, Hashable, Sendable {
    /// The header of the documented layout (first) and the other spellings accepted for it.
    var headers: [String] { get }
    var isRequired: Bool { get }
}

extension ImportField {
    public var label: String { headers[0] }
}
