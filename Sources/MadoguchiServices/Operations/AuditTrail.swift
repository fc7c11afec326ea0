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
        AuditEvent(actorUserID: caller.userID, actorLogin: Self.guarded(caller.login), action: action, recordType: recordType,
                   recordID: Self.guarded(recordID), sourceAddress: caller.sourceAddress, result: result, detail: Self.guarded(detail),
                   requestID: caller.requestID)
    }

    /// Every text that reaches the log passes the individual-number guard (#13): a file name, a
    /// search term or an import's name that holds a 12-digit individual number is recorded
    /// without it, whichever desk wrote the row.
    static func guarded(_ text: String) -> String {
        IndividualNumber.appears(in: text) ? "（個人番号と思われる番号を含むため記録しません）" : text
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
