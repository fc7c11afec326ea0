import Foundation

public enum IntakeError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound
    case staleVersion

    public var description: String {
        switch self {
        case .notFound: "申請受付の記録が見つかりません。"
        case .staleVersion: "この記録は他の職員が先に更新しました。画面を開き直して最新の内容を確認してから、もう一度保存してください。"
        }
    }
}
