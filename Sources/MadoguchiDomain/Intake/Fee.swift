import Foundation

public struct Fee: Sendable, Equatable {
    public var id: Int64
    public var intakeID: Int64
    public var itemCode: String
    public var itemLabel: String
    public var amount: Int
    public var status: FeeStatus
    public var exemption: String?
    public var receiptNumber: String?
    public var paidAt: Date?
    public var notes: String

    public init(id: Int64, intakeID: Int64, itemCode: String, itemLabel: String, amount: Int, status: FeeStatus, exemption: String? = nil, receiptNumber: String? = nil, paidAt: Date? = nil, notes: String) {
        self.id = id
        self.intakeID = intakeID
        self.itemCode = itemCode
        self.itemLabel = itemLabel
        self.amount = amount
        self.status = status
        self.exemption = exemption
        self.receiptNumber = receiptNumber
        self.paidAt = paidAt
        self.notes = notes
    }
}
