import CoreMetrics
import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// How every desk writes its audit rows (E2): one place that turns a caller and an action into
/// an `AuditEvent`, appends it inside the desk's transaction (so it commits or rolls back with
/// the change it describes), and counts reads of personal data for monitoring (F5).
struct AuditTrail: Sendable {
    let log: AuditLog
    let metrics: any MetricsFactory

    /// Audited actions that read personal data, counted for monitoring (F5).
    static let personalDataReads = [".view", ".search", ".list", ".open", ".thumbnail", ".export"]

    func event(_ caller: Caller, _ action: String, recordType: String = "", recordID: String = "", result: AuditResult = .success,
               detail: String = "") -> AuditEvent {
        AuditEvent(actorUserID: caller.userID, actorLogin: caller.login, action: action, recordType: recordType, recordID: recordID,
                   sourceAddress: caller.sourceAddress, result: result, detail: detail, requestID: caller.requestID)
    }

    /// Appends inside the caller's open transaction.
    func record(_ caller: Caller, _ action: String, recordType: String = "", recordID: String = "", result: AuditResult = .success,
                detail: String = "", on connection: PostgresConnection) async throws {
        try await log.record(event(caller, action, recordType: recordType, recordID: recordID, result: result, detail: detail), on: connection)
        count(action)
    }

    /// Appends in a transaction of its own (reads, refusals).
    func record(_ caller: Caller, _ action: String, recordType: String = "", recordID: String = "", result: AuditResult = .success,
                detail: String = "") async throws {
        try await log.record(event(caller, action, recordType: recordType, recordID: recordID, result: result, detail: detail))
        count(action)
    }

    func count(_ action: String) {
        guard Self.personalDataReads.contains(where: action.hasSuffix) else { return }
        Counter(label: "madoguchi_personal_data_views_total", dimensions: [("action", action)], factory: metrics).increment()
    }
}
