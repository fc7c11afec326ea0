import Foundation

/// Errors of account administration, with the message shown to the administrator.
public enum StaffUserError: Error, Sendable, CustomStringConvertible {
    case notFound
    case unknownRole(String)
    case loginTaken(String)

    public var description: String {
        switch self {
        case .notFound: "利用者が見つかりません。"
        case .unknownRole(let role): "職務「\(role)」はありません。"
        case .loginTaken(let login): "ログインID「\(login)」は既に使われています。"
        }
    }
}
