import Foundation
import MadoguchiProcess
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiJobs

/// The imports (C3, C5, E5) as the upload page, the API and `madoguchi import` run them: read and
/// check every line off the request threads, then write all or nothing with the audit row
/// inside the import's transaction. A dry run does all of it and rolls back, so its counts are exact.
extension LedgerDesk {
    /// A file read and checked, for either kind of import; kept as JSON until it is confirmed.
    public enum CheckedImport: Sendable {
        case ledger(LedgerImport.Checked)
        case registry(RegistryImport.Checked)

        public var kind: ImportKind {
            switch self {
            case .ledger(let c): c.kind == LedgerImportWriter.Kind.issuanceList.rawValue ? .issuanceList : .ledger
            case .registry: .registry
            }
        }

        public var isClean: Bool {
            switch self {
            case .ledger(let c): c.problems.isEmpty
            case .registry(let c): c.problems.isEmpty
            }
        }

        func encoded() throws -> Data {
            switch self {
            case .ledger(let c): try JSONEncoder().encode(c)
            case .registry(let c): try JSONEncoder().encode(c)
            }
        }

        init?(kind: ImportKind, data: Data) {
            if kind == .registry {
                guard let c = try? JSONDecoder().decode(RegistryImport.Checked.self, from: data) else { return nil }
                self = .registry(c)
            } else {
                guard let c = try? JSONDecoder().decode(LedgerImport.Checked.self, from: data) else { return nil }
                self = .ledger(c)
            }
        }
    }

    /// What an import did (or would do), whichever kind it was.
    public struct ImportResult: Sendable {
        public var kind: ImportKind
        public var fileName: String
        public var encoding: String
        public var lines: Int
        public var ignored: [String]
        public var problems: [ImportProblem]
        public var ledger: LedgerImportWriter.Outcome?
        public var registryRows: Int?
        public var sample: [LedgerRecord]
        public var dryRun: Bool
        public var succeeded: Bool { problems.isEmpty }
    }

    /// The layout the issuance-list page and API use when the upload brings no mapping.
    public func defaultLayout(for kind: ImportKind) -> ImportLayout {
        kind == .issuanceList ? configuration.issuanceListLayout : ImportLayout()
    }

    /// Decodes and checks a file. CPU work, so off the threads that serve requests.
    public func check(_ kind: ImportKind, data: Data, fileName: String, layout: ImportLayout? = nil) async throws -> CheckedImport {
        let database = database
        let layout = layout ?? defaultLayout(for: kind)
        return try await OffPool.run {
            if kind == .registry { return .registry(RegistryImport(database: database).check(data, fileName: fileName, layout: layout)) }
            return .ledger(LedgerImport(database: database).check(data, fileName: fileName, kind: kind == .issuanceList ? .issuanceList : .ledger,
                                                                  layout: layout))
        }
    }

    /// Writes (or dry-runs) checked lines; refuses a kind the caller may not run. `via` marks the
    /// audit row (" api"); `progress` reports the phases to a terminal.
    public func run(_ checked: CheckedImport, dryRun: Bool, via: String = "", caller: Caller,
                    progress: (@Sendable (LedgerImport.Phase) -> Void)? = nil) async throws -> ImportResult {
        if caller.site != .command, !caller.has(checked.kind.permission) { throw AccessDenied(permission: checked.kind.permission) }
        let now = clock.now()
        let audit = audit
        switch checked {
        case .registry(let c):
            let report = try await RegistryImport(database: database).write(c, dryRun: dryRun, staffUserID: caller.userID, now: now, audit: { rows, connection in
                try await audit.record(caller, "registry.import", recordType: "registry", recordID: c.fileName, detail: "rows=\(rows)\(via)",
                                       on: connection)
            }, progress: progress)
            return ImportResult(kind: .registry, fileName: c.fileName, encoding: report.encoding, lines: report.lines, ignored: report.ignoredHeaders,
                                problems: report.problems, ledger: nil, registryRows: report.imported, sample: [], dryRun: dryRun)
        case .ledger(let c):
            let report = try await LedgerImport(database: database).write(c, dryRun: dryRun, staffUserID: caller.userID, now: now, audit: { o, connection in
                try await audit.record(caller, "ledger.import", recordType: "ledger_import", recordID: String(o.importID),
                                       detail: "\(c.kind) \(c.fileName) rows=\(o.rows) created=\(o.created) updated=\(o.updated) unchanged=\(o.unchanged)\(via)",
                                       on: connection)
            }, progress: progress)
            return ImportResult(kind: checked.kind, fileName: c.fileName, encoding: report.encoding, lines: report.lines,
                                ignored: report.ignoredHeaders, problems: report.problems, ledger: report.problems.isEmpty ? report.outcome : nil,
                                registryRows: nil, sample: report.sample, dryRun: dryRun)
        }
    }

    /// Audits the check of an upload (the preview), with how many problems it had.
    public func noteChecked(_ result: ImportResult, caller: Caller) async throws {
        try await audit.record(caller, "ledger.import.check", recordType: "ledger_import", recordID: result.fileName,
                               result: result.succeeded ? .success : .failure, detail: "\(result.kind.rawValue) 問題=\(result.problems.count)")
    }

    /// Keeps checked lines (never the file) for the staff member who will confirm them, for an hour.
    public func keep(_ checked: CheckedImport, caller: Caller) async throws -> String? {
        guard let user = caller.userID else { return nil }
        return try await uploads.save(kind: checked.kind.rawValue, checked: try checked.encoded(), staffUserID: user, now: clock.now())
    }

    /// The checked lines kept under `token` for this caller, if still there and allowed.
    public func kept(_ token: String, caller: Caller) async throws -> CheckedImport? {
        guard let user = caller.userID, let upload = try await uploads.find(token: token, staffUserID: user, now: clock.now()),
              let kind = ImportKind(rawValue: upload.kind), caller.has(kind.permission) else { return nil }
        return CheckedImport(kind: kind, data: upload.checked)
    }

    public func forget(_ token: String) async throws { try await uploads.remove(token: token) }
}

extension LedgerDesk {
    /// Checked uploads nobody confirmed within their hour (they hold personal data).
    public func purgeExpiredUploads() async throws { try await uploads.purge(now: clock.now()) }
}
