import Foundation

public struct IntakeHistoryEntry: Sendable {
    public var version: Int
    public var changedAt: Date
    public var changedBy: String
    public var before: String

    public init(version: Int, changedAt: Date, changedBy: String, before: String) {
        self.version = version
        self.changedAt = changedAt
        self.changedBy = changedBy
        self.before = before
    }
}
