import Foundation

public struct JobRun: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var trigger: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var status: String
    public var snapshotID: String?
    public var detail: String

    public init(id: Int64, kind: String, trigger: String, startedAt: Date, finishedAt: Date? = nil, status: String, snapshotID: String? = nil, detail: String) {
        self.id = id
        self.kind = kind
        self.trigger = trigger
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.snapshotID = snapshotID
        self.detail = detail
    }
}
