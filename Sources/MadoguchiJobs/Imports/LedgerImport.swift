import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// The issuance-list import (C3) and the existing-ledger import (E5), from file bytes to the
/// ledger: read and check every line, refuse the whole file if any line is bad, else write it in
/// one transaction. A dry run does all of it, database checks included, and rolls back.
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

    public enum Phase: Sendable {
        case checked(lines: Int)
        case writing(done: Int, of: Int)
    }

    struct DryRun: Error {
        let outcome: LedgerImportWriter.Outcome
    }

    public func run(_ data: Data, fileName: String, kind: LedgerImportWriter.Kind, layout: ImportLayout = ImportLayout(), dryRun: Bool,
                    staffUserID: Int64?, now: Date, progress: (@Sendable (Phase) -> Void)? = nil) async throws -> Report {
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
        var problems = file.problems
        problems += Self.repeatedIDs(in: file.records)
        problems.sort { $0.line < $1.line }
        var report = Report(kind: kind, fileName: fileName, encoding: file.encoding, lines: file.lines, problems: problems,
                            ignoredHeaders: file.ignoredHeaders, outcome: nil, dryRun: dryRun, sample: Array(file.records.prefix(20)))
        progress?(.checked(lines: file.lines))
        guard problems.isEmpty else { return report }

        let source = LedgerImportWriter.Source(kind: kind, fileName: fileName, sha256: file.sha256, encoding: file.encoding)
        let writer = LedgerImportWriter(database: database)
        let total = file.records.count
        do {
            let outcome = try await database.transaction { connection in
                let outcome = try await writer.write(file.records, source: source, staffUserID: staffUserID, now: now,
                                                     progress: { progress?(.writing(done: $0, of: total)) }, on: connection)
                if dryRun { throw DryRun(outcome: outcome) }
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
