import Foundation

/// Errors of account administration, with the message shown to the administrator.
public enum StaffUserError: Error, Sendable, CustomStringConvertible {
    case notFound
    case unknownRole(String)
    case loginTaken(String)
    /// The change would leave no active account able to manage users.
    case lastUserManager

    public var description: String {
        switch self {
        case .notFound: "利用者が見つかりません。"
        case .unknownRole(let role): "職務「\(role)」はありません。"
        case .loginTaken(let login): "ログインID「\(login)」は既に使われています。"
        case .lastUserManager: "利用者を管理できる有効なアカウントが1つもなくなるため、変更できません。"
        }
    }
}
