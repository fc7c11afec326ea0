import Foundation

/// Conditions of the audit search page; nil means "any".
public struct AuditFilter: Sendable {
    public var actorLogin: String?
    public var action: String?
    public var recordType: String?
    public var recordID: String?
    public var from: Date?
    public var until: Date?
    public var limit: Int

    public init(actorLogin: String? = nil, action: String? = nil, recordType: String? = nil, recordID: String? = nil,
                from: Date? = nil, until: Date? = nil, limit: Int = 200) {
        self.actorLogin = actorLogin
        self.action = action
        self.recordType = recordType
        self.recordID = recordID
        self.from = from
        self.until = until
        self.limit = limit
    }
}
