import Foundation

/// Result of walking the whole chain.
public struct AuditVerification: Sendable {
    public var checked: Int
    /// The first entry whose stored hash or link does not match, with the reason.
    public var firstBroken: (id: Int64, reason: String)?
    /// How many copies of the head kept outside the database were compared.
    public var anchorsChecked: Int
    public var isIntact: Bool { firstBroken == nil }

    public init(checked: Int, firstBroken: (id: Int64, reason: String)? = nil, anchorsChecked: Int = 0) {
        self.checked = checked
        self.firstBroken = firstBroken
        self.anchorsChecked = anchorsChecked
    }
}
