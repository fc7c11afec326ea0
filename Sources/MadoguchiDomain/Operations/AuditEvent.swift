import Foundation

/// Outcome recorded with an audit entry.
public enum AuditResult: String, Sendable, Codable, CaseIterable {
    case success, failure, denied
}

/// One thing to put in the audit log (E2): who did what to which record, from where, and how it ended.
public struct AuditEvent: Sendable {
    public var actorUserID: Int64?
    public var actorLogin: String
    public var action: String
    public var recordType: String
    public var recordID: String
    public var sourceAddress: String
    public var result: AuditResult
    public var detail: String
    public var requestID: String

    public init(actorUserID: Int64?, actorLogin: String, action: String, recordType: String = "", recordID: String = "",
                sourceAddress: String = "", result: AuditResult = .success, detail: String = "", requestID: String = "") {
        self.actorUserID = actorUserID
        self.actorLogin = actorLogin
        self.action = action
        self.recordType = recordType
        self.recordID = recordID
        self.sourceAddress = sourceAddress
        self.result = result
        self.detail = detail
        self.requestID = requestID
    }
}

/// A stored audit entry, as read back for the search page, the CSV export and verification.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var occurredAtMicros: Int64
    public var actorUserID: Int64?
    public var actorLogin: String
    public var action: String
    public var recordType: String
    public var recordID: String
    public var sourceAddress: String
    public var result: String
    public var detail: String
    public var requestID: String
    public var previousHash: Data
    public var hash: Data

    public var occurredAt: Date { Date(timeIntervalSince1970: Double(occurredAtMicros) / 1_000_000) }

    /// The bytes the chain hashes: every field, length-prefixed so that no two different entries
    /// serialise alike, then the previous entry's hash.
    public static func canonical(id: Int64, occurredAtMicros: Int64, event: AuditEvent, previousHash: Data) -> Data {
        let fields: [String] = [
            String(id), String(occurredAtMicros), event.actorUserID.map(String.init) ?? "", event.actorLogin, event.action,
            event.recordType, event.recordID, event.sourceAddress, event.result.rawValue, event.detail, event.requestID,
        ]
        var data = Data()
        for field in fields {
            data.append(contentsOf: "\(field.utf8.count):".utf8)
            data.append(contentsOf: field.utf8)
            data.append(0x0A)
        }
        data.append(previousHash)
        return data
    }

    public var event: AuditEvent {
        AuditEvent(actorUserID: actorUserID, actorLogin: actorLogin, action: action, recordType: recordType, recordID: recordID,
                   sourceAddress: sourceAddress, result: AuditResult(rawValue: result) ?? .failure, detail: detail, requestID: requestID)
    }

    public init(id: Int64, occurredAtMicros: Int64, actorUserID: Int64? = nil, actorLogin: String, action: String, recordType: String, recordID: String, sourceAddress: String, result: String, detail: String, requestID: String, previousHash: Data, hash: Data) {
        self.id = id
        self.occurredAtMicros = occurredAtMicros
        self.actorUserID = actorUserID
        self.actorLogin = actorLogin
        self.action = action
        self.recordType = recordType
        self.recordID = recordID
        self.sourceAddress = sourceAddress
        self.result = result
        self.detail = detail
        self.requestID = requestID
        self.previousHash = previousHash
        self.hash = hash
    }
}
