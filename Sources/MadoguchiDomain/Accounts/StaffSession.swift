import Foundation

/// A live session with its owner's current identity.
public struct StaffSession: Sendable {
    public let tokenHash: Data
    public let csrfToken: String
    public let identity: StaffIdentity
    /// Only a `full` session may use the site; the others may finish signing in (#13).
    public let stage: SessionStage

    public init(tokenHash: Data, csrfToken: String, identity: StaffIdentity, stage: SessionStage = .full) {
        self.tokenHash = tokenHash
        self.csrfToken = csrfToken
        self.identity = identity
        self.stage = stage
    }
}

public enum StaffSessionLookup: Sendable {
    case valid(StaffSession)
    case expired
    case none
}
