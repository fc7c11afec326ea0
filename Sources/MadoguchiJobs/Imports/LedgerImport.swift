import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// The issuance-list import (C3) and the existing-ledger import (E5), from file bytes to the
/// ledger: read and check every line, refuse the whole file if any line is bad, else write it in
/// one transaction with its audit entry. A dry run does all of it, database checks included,
/// and rolls back.
public struct LedgerImport: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Report: Sendable {
        public var kind: LedgerImportWriter.Kind
        public var fileName: String
        public var encoding: String
        public var lines: Int
        public var problems: [ImportProblem]
        public var ignoredHeaders: [String]
        public var outcome: LedgerImportWriter.Outcome?
        public var dryRun: Bool
        /// The first lines as read, for the preview.
        public var sample: [LedgerRecord]

        public var succeeded: Bool { problems.isEmpty && outcome != nil }
    }

    /// A file read and checked, not yet written: what the upload page keeps between the preview
    /// and the click that imports it (the checked lines, never the file's other columns).
    public struct Checked: Sendable, Codable {
        public var kind: String
        public var fileName: String
        public var sha256: String
        public var encoding: String
        public var lines: Int
        public var ignoredHeaders: [String]
        public var problems: [ImportProblem]
        public var records: [LedgerRecord]
    }

    public enum Phase: Sendable {
        case checked(lines: Int)
        case writing(done: Int, of: Int)
    }

    /// Writes the import's audit entry on the import's own connection, inside its transaction.
    public typealias Audit = @Sendable (LedgerImportWriter.Outcome, PostgresConnection) async throws -> Void

    struct DryRun: Error {
        let outcome: LedgerImportWriter.Outcome
    }

    /// Reads and checks a file; nothing touches the database.
    public func check(_ data: Data, fileName: String, kind: LedgerImportWriter.Kind, layout: ImportLayout = ImportLayout()) -> Checked {
        let order = kind == .issuanceList ? LedgerField.issuanceListColumns : LedgerField.ledgerColumns
        let file = ImportFile<LedgerRecord>.read(data, layout: layout, documentedOrder: order) { line, cells in
            var checked = LedgerRecord.parse(line: line, cells: cells, layout: layout)
            // The issuance list says nothing of stages or places: a column of that name is a mapping mistake.
            if kind == .issuanceList, case .success(var record) = checked {
                record.stage = nil
                record.storagePlace = nil
                record.handedOverOn = nil
                checked = .success(record)
            }
            return checked
        }
        var problems = file.problems + Self.repeatedIDs(in: file.records)
        problems.sort { $0.line < $1.line }
        return Checked(kind: kind.rawValue, fileName: fileName, sha256: file.sha256, encoding: file.encoding, lines: file.lines,
                       ignoredHeaders: file.ignoredHeaders, problems: problems, records: problems.isEmpty ? file.records : [])
    }

    public func run(_ data: Data, fileName: String, kind: LedgerImportWriter.Kind, layout: ImportLayout = ImportLayout(), dryRun: Bool,
                    staffUserID: Int64?, now: Date, audit: Audit? = nil, progress: (@Sendable (Phase) -> Void)? = nil) async throws -> Report {
        let checked = check(data, fileName: fileName, kind: kind, layout: layout)
        progress?(.checked(lines: checked.lines))
        return try await write(checked, dryRun: dryRun, staffUserID: staffUserID, now: now, audit: audit, progress: progress)
    }

    /// Writes checked lines (unless they have problems) in one transaction; a dry run rolls back.
    public func write(_ checked: Checked, dryRun: Bool, staffUserID: Int64?, now: Date, audit: Audit? = nil,
                      progress: (@Sendable (Phase) -> Void)? = nil) async throws -> Report {
        let kind = LedgerImportWriter.Kind(rawValue: checked.kind) ?? .issuanceList
        var report = Report(kind: kind, fileName: checked.fileName, encoding: checked.encoding, lines: checked.lines, problems: checked.problems,
                            ignoredHeaders: checked.ignoredHeaders, outcome: nil, dryRun: dryRun, sample: Array(checked.records.prefix(20)))
        guard checked.problems.isEmpty else { return report }
        let source = LedgerImportWriter.Source(kind: kind, fileName: checked.fileName, sha256: checked.sha256, encoding: checked.encoding)
        let writer = LedgerImportWriter(database: database)
        let total = checked.records.count
        do {
            let outcome = try await database.transaction { connection in
                let outcome = try await writer.write(checked.records, source: source, staffUserID: staffUserID, now: now,
                                                     progress: { progress?(.writing(done: $0, of: total)) }, on: connection)
                if dryRun { throw DryRun(outcome: outcome) }
                try await audit?(outcome, connection)
                return outcome
            }
            report.outcome = outcome
        } catch let dry as DryRun {
            report.outcome = dry.outcome
        } catch let refusal as LedgerImportWriter.Refusal {
            report.problems = refusal.problems
        }
        return report
    }

    /// One card per application ID: a second line with the same ID is a mistake in the file.
    static func repeatedIDs(in records: [LedgerRecord]) -> [ImportProblem] {
        var first: [String: Int] = [:]
        var problems: [ImportProblem] = []
        for record in records {
            if let earlier = first[record.applicationID.digits] {
                problems.append(ImportProblem(line: record.line, reasons: ["申請書IDが\(earlier)行目と重複しています"]))
            } else {
                first[record.applicationID.digits] = record.line
            }
        }
        return problems
    }
}
