import Foundation

/// Why a change of locations, rules, closures or capacities was refused; the text is for staff.
public enum SlotError: Error, Sendable, CustomStringConvertible {
    case locationNotFound, ruleNotFound, closureNotFound, slotNotFound, capacityBelowBooked, duplicateName

    public var description: String {
        switch self {
        case .locationNotFound: "指定された庁舎・窓口はありません。"
        case .ruleNotFound: "指定された予約枠ルールはありません。"
        case .closureNotFound: "指定された休業日はありません。"
        case .slotNotFound: "指定された予約枠はありません。"
        case .capacityBelowBooked: "定員は0〜500で、すでに入っている予約数より少なくはできません。"
        case .duplicateName: "同じ名称の庁舎・窓口がすでにあります。"
        }
    }
}
