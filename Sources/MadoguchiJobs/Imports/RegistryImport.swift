import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// The resident-registry extract import (C5): every line checked, then the previous extract
/// replaced in one transaction. A file with any bad line replaces nothing.
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

    public func run(_ data: Data, fileName: String, layout: ImportLayout = ImportLayout(), dryRun: Bool, staffUserID: Int64?, now: Date,
                    progress: (@Sendable (LedgerImport.Phase) -> Void)? = nil) async throws -> Report {
        let file = ImportFile<RegistryRecord>.read(data, layout: layout, documentedOrder: RegistryField.columns) { line, cells in
            RegistryRecord.parse(line: line, cells: cells, layout: layout)
        }
        var report = Report(fileName: fileName, encoding: file.encoding, lines: file.lines, problems: file.problems,
                            ignoredHeaders: file.ignoredHeaders, imported: nil, dryRun: dryRun)
        progress?(.checked(lines: file.lines))
        guard file.problems.isEmpty else { return report }
        if dryRun {
            report.imported = file.records.count
            return report
        }
        let total = file.records.count
        _ = try await database.transaction { connection in
            try await RegistryStore(database: database).replace(
                with: file.records, fileName: fileName, sha256: file.sha256, encoding: file.encoding, staffUserID: staffUserID, now: now,
                progress: { progress?(.writing(done: $0, of: total)) }, on: connection)
        }
        report.imported = total
        return report
    }
}
