import Foundation

/// What the work lists filter on (C4, C6, C9).
public struct LedgerFilter: Sendable, Equatable {
    public var text: String
    public var stage: LedgerStage?
    public var visitType: VisitType?
    public var batch: String?
    public var storageSlotID: Int64?
    public var birthDate: CalendarDate?
    /// Only cards imported from a list whose QR code has not been scanned (not yet seen in the delivery).
    public var unconfirmedOnly: Bool
    /// Keyset paging for exports: only entries after this id, in id order.
    public var afterID: Int64?
    public var limit: Int
    public var offset: Int

    public init(text: String = "", stage: LedgerStage? = nil, visitType: VisitType? = nil, batch: String? = nil,
                storageSlotID: Int64? = nil, birthDate: CalendarDate? = nil, unconfirmedOnly: Bool = false, limit: Int = 200, offset: Int = 0) {
        self.text = text
        self.stage = stage
        self.visitType = visitType
        self.batch = batch
        self.storageSlotID = storageSlotID
        self.birthDate = birthDate
        self.unconfirmedOnly = unconfirmedOnly
        self.limit = limit
        self.offset = offset
    }
}
