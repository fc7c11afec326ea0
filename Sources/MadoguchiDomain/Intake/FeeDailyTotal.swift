import Foundation

public struct FeeDailyTotal: Sendable, Equatable {
    public var location: String
    public var itemLabel: String
    public var paidCount: Int
    public var paidAmount: Int
    public var refundedCount: Int
    public var refundedAmount: Int
    public var net: Int { paidAmount - refundedAmount }

    public init(location: String, itemLabel: String, paidCount: Int, paidAmount: Int, refundedCount: Int, refundedAmount: Int) {
        self.location = location
        self.itemLabel = itemLabel
        self.paidCount = paidCount
        self.paidAmount = paidAmount
        self.refundedCount = refundedCount
        self.refundedAmount = refundedAmount
    }
}
