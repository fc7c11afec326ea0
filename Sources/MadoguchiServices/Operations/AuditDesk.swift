import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiJobs

/// Searching, exporting and verifying the audit log (E2). Searches and exports are audited
/// themselves, since the log names people; their conditions go into the log, so conditions that
/// hold an individual number are refused before anything is read.
public struct AuditDesk: Sendable {
    let audit: AuditTrail
    let configuration: ServiceConfiguration

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

    /// Recomputes the chain from the first entry and compares it with every anchor kept outside
    /// the database: this host's anchor folder (plus `extraAnchorFolders`, say copies from the
    /// other instances) and the heads in the snapshot manifests. `progress` gets the count every
    /// 10,000 entries.
    public func verify(extraAnchorFolders: [URL] = [], progress: (@Sendable (Int) -> Void)? = nil) async throws -> (AuditVerification, AnchorSources) {
        var sources = AnchorSources()
        var anchors: [AuditAnchor] = []
        for folder in (configuration.anchorFolder.map { [$0] } ?? []) + extraAnchorFolders {
            let (found, unreadable) = AuditAnchors(folder: folder).read()
            anchors += found
            sources.files += found.count
            sources.unreadable += unreadable
        }
        if let directory = configuration.snapshotDirectory {
            for entry in (try? SnapshotLibrary(directory: directory).list()) ?? [] {
                guard let line = entry.manifest.auditHead else { continue }
                if let anchor = AuditAnchor(line: line) { anchors.append(anchor); sources.snapshots += 1 } else { sources.unreadable += 1 }
            }
        }
        // After a restore over the live database, older anchors describe a log that was replaced.
        if let rewound = configuration.anchorFolder.flatMap({ AuditAnchors(folder: $0).rewoundAt }) {
            let before = anchors.count
            anchors.removeAll { $0.at < rewound }
            sources.beforeRestore = before - anchors.count
        }
        return (try await audit.log.verify(anchors: anchors, progress: progress), sources)
    }

    /// Where the anchors a verification compared came from.
    public struct AnchorSources: Sendable {
        public var files = 0
        public var snapshots = 0
        public var unreadable = 0
        /// Anchors older than the last restore over the live database, not compared.
        public var beforeRestore = 0
    }

    /// After the upgrade to the keyed seal, one keyed row closes the unkeyed part of the log, so
    /// a log rewritten entirely in the old form is detectable (its newest row is unkeyed).
    public func sealUnkeyedHead(caller: Caller) async throws {
        guard try await audit.log.headIsUnkeyed() else { return }
        try await audit.record(caller, "audit.seal-keyed", recordType: "audit_log", detail: "key \(audit.log.keyring.currentID)")
    }

    /// Writes the current head to this host's anchor folder (after a command's audited work, and
    /// by `AuditAnchorWriter` in `serve`); `appendToLog` also adds a line to `anchors.log`.
    public func anchorHead(appendToLog: Bool = false) async throws {
        guard let folder = configuration.anchorFolder, let head = try await audit.log.head() else { return }
        let anchors = AuditAnchors(folder: folder)
        try anchors.writeHead(head)
        if appendToLog { try anchors.append(head) }
    }

    /// The writer `serve` runs: follows every commit's NOTIFY into the head file, and appends a
    /// line to the log every `auditAnchorMinutes`. Nil without an anchor folder.
    public func anchorWriter() -> AuditAnchorWriter? {
        configuration.anchorFolder.map {
            AuditAnchorWriter(log: audit.log, anchors: AuditAnchors(folder: $0), every: TimeInterval(configuration.auditAnchorMinutes * 60))
        }
    }

    /// The newest entries, for `madoguchi audit tail`.
    public func tail(limit: Int) async throws -> [AuditEntry] {
        try await audit.log.search(AuditFilter(limit: limit))
    }
}
