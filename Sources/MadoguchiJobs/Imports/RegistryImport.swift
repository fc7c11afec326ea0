import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// The resident-registry extract import (C5): every line checked, then the previous extract
/// replaced in one transaction with its audit entry. A file with any bad line replaces nothing.
public struct RegistryImport: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Report: Sendable {
        public var fileName: String
        public var encoding: String
        public var lines: Int
        public var problems: [ImportProblem]
        public var ignoredHeaders: [String]
        public var imported: Int?
        public var dryRun: Bool
        public var succeeded: Bool { problems.isEmpty && imported != nil }
    }

    public struct Checked: Sendable, Codable {
        public var fileName: String
        public var sha256: String
        public var encoding: String
        public var lines: Int
        public var ignoredHeaders: [String]
        public var problems: [ImportProblem]
        public var records: [RegistryRecord]
    }

    public typealias Audit = @Sendable (Int, PostgresConnection) async throws -> Void

    public func check(_ data: Data, fileName: String, layout: ImportLayout = ImportLayout()) -> Checked {
        let file = ImportFile<RegistryRecord>.read(data, layout: layout, documentedOrder: RegistryField.columns) { line, cells in
            RegistryRecord.parse(line: line, cells: cells, layout: layout)
        }
        return Checked(fileName: fileName, sha256: file.sha256, encoding: file.encoding, lines: file.lines, ignoredHeaders: file.ignoredHeaders,
                       problems: file.problems, records: file.problems.isEmpty ? file.records : [])
    }

    public func run(_ data: Data, fileName: String, layout: ImportLayout = ImportLayout(), dryRun: Bool, staffUserID: Int64?, now: Date,
                    audit: Audit? = nil, progress: (@Sendable (LedgerImport.Phase) -> Void)? = nil) async throws -> Report {
        let checked = check(data, fileName: fileName, layout: layout)
        progress?(.checked(lines: checked.lines))
        return try await write(checked, dryRun: dryRun, staffUserID: staffUserID, now: now, audit: audit, progress: progress)
    }

    public func write(_ checked: Checked, dryRun: Bool, staffUserID: Int64?, now: Date, audit: Audit? = nil,
                      progress: (@Sendable (LedgerImport.Phase) -> Void)? = nil) async throws -> Report {
        var report = Report(fileName: checked.fileName, encoding: checked.encoding, lines: checked.lines, problems: checked.problems,
                            ignoredHeaders: checked.ignoredHeaders, imported: nil, dryRun: dryRun)
        guard checked.problems.isEmpty else { return report }
        if dryRun {
            report.imported = checked.records.count
            return report
        }
        let total = checked.records.count
        _ = try await database.transaction { connection in
            let id = try await RegistryStore(database: database).replace(
                with: checked.records, fileName: checked.fileName, sha256: checked.sha256, encoding: checked.encoding, staffUserID: staffUserID,
                now: now, progress: { progress?(.writing(done: $0, of: total)) }, on: connection)
            try await audit?(total, connection)
            return id
        }
        report.imported = total
        return report
    }
}
