import Foundation

/// Counts per stage, visit type and delivery batch: the progress board (C6).
public struct LedgerBoardCount: Sendable, Equatable {
    public var batch: String
    public var visitType: VisitType
    public var stage: LedgerStage
    public var count: Int

    public init(batch: String, visitType: VisitType, stage: LedgerStage, count: Int) {
        self.batch = batch
        self.visitType = visitType
        self.stage = stage
        self.count = count
    }
}
