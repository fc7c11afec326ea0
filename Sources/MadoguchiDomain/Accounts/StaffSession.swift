import Foundation

/// A live session with its owner's current identity.
public struct StaffSession: Sendable {
    public let tokenHash: Data
    public let csrfToken: String
    public let identity: StaffIdentity

    public init(tokenHash: Data, csrfToken: String, identity: StaffIdentity) {
        self.tokenHash = tokenHash
        self.csrfToken = csrfToken
        self.identity = identity
    }
}

public enum StaffSessionLookup: Sendable {
    case valid(StaffSession)
    case expired
    case none
}
