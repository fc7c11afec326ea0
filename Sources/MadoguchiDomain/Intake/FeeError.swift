import Foundation

public enum FeeError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound
    case unknownItem
    case exemptionRequired
    case invalidTransition

    public var description: String {
        switch self {
        case .notFound: "手数料の記録が見つかりません。"
        case .unknownItem: "手数料の種類が正しくありません。"
        case .exemptionRequired: "免除の理由を選んでください。"
        case .invalidTransition: "この手数料の状態では、その操作はできません（収納は未収のもの、還付は収納済のものだけ）。"
        }
    }
}
