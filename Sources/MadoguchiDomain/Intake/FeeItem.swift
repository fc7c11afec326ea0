import Foundation

public struct FeeItem: Sendable, Equatable {
    public var code: String
    public var label: String
    public var amount: Int

    public init(code: String, label: String, amount: Int) {
        self.code = code
        self.label = label
        self.amount = amount
    }
}
