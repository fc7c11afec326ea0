import Foundation

public enum ApplicantError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound
    case applicationIDTaken(String)

    public var description: String {
        switch self {
        case .notFound: "申請者が見つかりません。"
        case .applicationIDTaken(let id): "申請書ID \(id) は別の申請者に登録されています。"
        }
    }
}
