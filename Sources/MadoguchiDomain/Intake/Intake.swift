import Foundation

public struct Intake: Sendable, Equatable {
    public var id: Int64
    public var applicantID: Int64
    public var draft: IntakeDraft
    public var locationName: String?
    public var sessionLabel: String?
    public var staffLogin: String?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, applicantID: Int64, draft: IntakeDraft, locationName: String? = nil, sessionLabel: String? = nil, staffLogin: String? = nil, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.applicantID = applicantID
        self.draft = draft
        self.locationName = locationName
        self.sessionLabel = sessionLabel
        self.staffLogin = staffLogin
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
