import Foundation

/// How a password login ended (E3).
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

    /// What the login page says for each refusal (one message for every wrong credential).
    public var message: String {
        switch self {
        case .success: ""
        case .invalidCredentials: "ログインIDまたはパスワードが正しくありません。"
        case .throttled: "ログインの失敗が続いたため、この端末からのログインを一時的に停止しています。15分ほど待ってから再度お試しください。"
        case .locked: "パスワードの誤りが続いたため、このアカウントはロックされています。システム管理者に解除を依頼してください。"
        }
    }
}
