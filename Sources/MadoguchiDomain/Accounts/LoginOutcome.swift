import Foundation

public enum LoginOutcome: Sendable, Equatable {
    case success(userID: Int64)
    /// Wrong password, unknown login or inactive account: one message for all, so that the
    /// answer does not tell which logins exist.
    case invalidCredentials
    case locked
    /// Too many failures from this address recently; nothing was checked.
    case throttled

    /// The outcome's name for metrics.
    public var label: String {
        switch self {
        case .success: "success"
        case .invalidCredentials: "invalid-credentials"
        case .locked: "locked"
        case .throttled: "throttled"
        }
    }
}
