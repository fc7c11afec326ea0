import ArgumentParser
import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiJobs

/// `madoguchi import …`: the card ledger's files (C3, C5, E5/F8). Every line is checked first;
/// a file with any bad line writes nothing and every bad line is listed with its number.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the card issuance list, an existing card ledger, or a resident-registry extract.",
        subcommands: [IssuanceList.self, Ledger.self, Registry.self])

    /// Options every import takes.
    struct FileOptions: ParsableArguments {
        @Argument(help: "The CSV file (UTF-8, UTF-8 with BOM, or Shift_JIS/CP932).") var file: String
        @Option(help: "A column-mapping JSON file for a layout other than the documented one (see README).") var mapping: String?
        @Flag(name: .customLong("dry-run"), help: "Check everything, show what would change, write nothing.") var dryRun = false

        func load() throws -> (Data, ImportLayout) {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            var layout = ImportLayout()
            if let mapping {
                guard let json = FileManager.default.contents(atPath: mapping) else { throw ValidationError("cannot read \(mapping)") }
                do {
                    layout = try JSONDecoder().decode(ImportLayout.self, from: json)
                } catch {
                    throw ValidationError("\(mapping) is not a column-mapping JSON document: \(error)")
                }
            }
            return (data, layout)
        }
    }

    static func progress(_ phase: LedgerImport.Phase) {
        let line = switch phase {
        case .checked(let lines): "  checked \(lines) lines\n"
        case .writing(let done, let total): "  written \(done)/\(total) rows (\(total == 0 ? 100 : done * 100 / total)%)\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func printProblems(_ problems: [ImportProblem]) {
        print("NOT IMPORTED: \(problems.count) problem(s); nothing was written. Fix these lines and import the file again:")
        for problem in problems { print("  \(problem)") }
    }

    struct IssuanceList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issuance-list",
            abstract: "Import the card issuance list (カード発行一覧表) CSV from the integrated terminal into the card ledger.",
            discussion: "Re-importing the same file changes nothing; a card already in the ledger is updated, never duplicated.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var options: FileOptions

        func run() async throws {
            try await runLedgerImport(kind: .issuanceList, database: database, options: options)
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger",
            abstract: "Load the city's existing card ledger (E5/F8) in the documented layout, with stages and storage places.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var options: FileOptions

        func run() async throws {
            try await runLedgerImport(kind: .ledger, database: database, options: options)
        }
    }

    struct Registry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "registry",
            abstract: "Replace the resident-registry extract (住基: basic four facts, Juki card, status) in one transaction.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var options: FileOptions

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let (data, layout) = try options.load()
            let (name, dryRun) = ((options.file as NSString).lastPathComponent, options.dryRun)
            let (report, seconds) = try await database.withDatabase(logger: Logger(label: "madoguchi.import")) { db in
                let started = Date()
                let report = try await RegistryImport(database: db).run(
                    data, fileName: name, layout: layout, dryRun: dryRun, staffUserID: nil, now: Date(),
                    audit: { rows, connection in
                        try await AuditLog(database: db).record(.commandLine(action: "registry.import", recordType: "registry", recordID: name,
                                                                            detail: "rows=\(rows)"), on: connection)
                    }, progress: ImportCommand.progress)
                return (report, Date().timeIntervalSince(started))
            }
            print("file: \(name) (\(report.encoding), \(report.lines) lines)")
            if !report.ignoredHeaders.isEmpty { print("columns not read (never stored): \(report.ignoredHeaders.joined(separator: ", "))") }
            guard report.problems.isEmpty else {
                ImportCommand.printProblems(report.problems)
                throw ExitCode(1)
            }
            print("\(dryRun ? "dry run: would replace" : "replaced") the registry extract with \(report.imported ?? 0) people in \(String(format: "%.1f", seconds)) s")
        }
    }
}

func runLedgerImport(kind: LedgerImportWriter.Kind, database: DatabaseOptions, options: ImportCommand.FileOptions) async throws {
    MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
    let (data, layout) = try options.load()
    let (name, dryRun) = ((options.file as NSString).lastPathComponent, options.dryRun)
    let (report, seconds) = try await database.withDatabase(logger: Logger(label: "madoguchi.import")) { db in
        // Timed from the file's bytes to the commit, without starting the database.
        let started = Date()
        let report = try await LedgerImport(database: db).run(
            data, fileName: name, kind: kind, layout: layout, dryRun: dryRun, staffUserID: nil, now: Date(),
            audit: { outcome, connection in
                try await AuditLog(database: db).record(.commandLine(
                    action: "ledger.import", recordType: "ledger_import", recordID: String(outcome.importID),
                    detail: "\(kind.rawValue) \(name) rows=\(outcome.rows) created=\(outcome.created) updated=\(outcome.updated) unchanged=\(outcome.unchanged)"),
                    on: connection)
            }, progress: ImportCommand.progress)
        return (report, Date().timeIntervalSince(started))
    }
    print("file: \(name) (\(kind.label), \(report.encoding), \(report.lines) lines)")
    if !report.ignoredHeaders.isEmpty { print("columns not read (never stored): \(report.ignoredHeaders.joined(separator: ", "))") }
    guard report.problems.isEmpty, let outcome = report.outcome else {
        ImportCommand.printProblems(report.problems)
        throw ExitCode(1)
    }
    if let last = outcome.previousImports.last {
        print("note: a file with the same content was imported before (\(JapaneseDate.dateTime(last))); nothing is duplicated")
    }
    print("\(dryRun ? "dry run (nothing written): would create" : "created") \(outcome.created), \(dryRun ? "update" : "updated") \(outcome.updated), unchanged \(outcome.unchanged) of \(outcome.rows) rows in \(String(format: seconds < 10 ? "%.2f" : "%.1f", seconds)) s (\(seconds > 0 ? Int(Double(outcome.rows) / seconds) : outcome.rows) rows/s)")
}
