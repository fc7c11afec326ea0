import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// Searching, exporting and verifying the audit log (E2). Searches and exports are audited
/// themselves, since the log names people; their conditions go into the log, so conditions that
/// hold an individual number are refused before anything is read.
public struct AuditDesk: Sendable {
    let audit: AuditTrail

    public static let pageLimit = 200
    public static let exportLimit = 100_000

    /// The newest entries matching `filter`; `conditions` is how the search is named in its own
    /// audit row (the query string).
    public func search(_ filter: AuditFilter, conditions: String, caller: Caller) async throws -> [AuditEntry] {
        try Self.refuseIndividualNumber(filter, conditions)
        let entries = try await audit.log.search(filter)
        try await audit.record(caller, "audit.search", recordType: "audit_log", detail: conditions)
        return entries
    }

    /// The entries of an export (at most `exportLimit`), audited with their count.
    public func export(_ filter: AuditFilter, conditions: String, caller: Caller) async throws -> [AuditEntry] {
        try Self.refuseIndividualNumber(filter, conditions)
        var filter = filter
        filter.limit = Self.exportLimit
        let entries = try await audit.log.search(filter)
        try await audit.record(caller, "audit.export", recordType: "audit_log", detail: "\(entries.count)件 \(conditions)")
        return entries
    }

    static func refuseIndividualNumber(_ filter: AuditFilter, _ conditions: String) throws {
        let texts = [filter.actorLogin, filter.action, filter.recordType, filter.recordID, conditions.removingPercentEncoding ?? conditions]
        if texts.contains(where: { IndividualNumber.appears(in: $0 ?? "") }) {
            throw InvalidInput([FieldProblem(field: "q", message: IndividualNumber.refusalMessage)])
        }
    }

    /// Recomputes the chain from the first entry; `progress` gets the count every 10,000 entries.
    public func verify(progress: (@Sendable (Int) -> Void)? = nil) async throws -> AuditVerification {
        try await audit.log.verify(progress: progress)
    }

    /// The newest entries, for `madoguchi audit tail`.
    public func tail(limit: Int) async throws -> [AuditEntry] {
        try await audit.log.search(AuditFilter(limit: limit))
    }
}
