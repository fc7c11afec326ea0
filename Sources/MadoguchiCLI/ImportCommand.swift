import ArgumentParser
import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiJobs
import MadoguchiServices

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
            try await runImport(.issuanceList, database: database, options: options)
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger",
            abstract: "Load the city's existing card ledger (E5/F8) in the documented layout, with stages and storage places.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var options: FileOptions

        func run() async throws {
            try await runImport(.ledger, database: database, options: options)
        }
    }

    struct Registry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "registry",
            abstract: "Replace the resident-registry extract (住基: basic four facts, Juki card, status) in one transaction.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var options: FileOptions

        func run() async throws {
            try await runImport(.registry, database: database, options: options)
        }
    }
}

/// One import from the command line, through the same desk as the upload page: progress on
/// stderr, every bad line printed with its number (exit 1, nothing written), then a summary.
func runImport(_ kind: ImportKind, database: DatabaseOptions, options: ImportCommand.FileOptions) async throws {
    MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
    let (data, layout) = try options.load()
    let (name, dryRun, mapped) = ((options.file as NSString).lastPathComponent, options.dryRun, options.mapping != nil)
    let (result, seconds) = try await database.withDesks(logger: Logger(label: "madoguchi.import")) { desks in
        // Timed from the file's bytes to the commit, without starting the database.
        let started = Date()
        let checked = try await desks.ledger.check(kind, data: data, fileName: name, layout: mapped ? layout : nil)
        if case .ledger(let c) = checked { ImportCommand.progress(.checked(lines: c.lines)) }
        if case .registry(let c) = checked { ImportCommand.progress(.checked(lines: c.lines)) }
        let result = try await desks.ledger.run(checked, dryRun: dryRun, caller: .command(), progress: ImportCommand.progress)
        return (result, Date().timeIntervalSince(started))
    }
    print("file: \(name) (\(kind == .registry ? "" : LedgerImportWriter.Kind(rawValue: kind.rawValue)!.label + ", ")\(result.encoding), \(result.lines) lines)")
    if !result.ignored.isEmpty { print("columns not read (never stored): \(result.ignored.joined(separator: ", "))") }
    guard result.problems.isEmpty else {
        ImportCommand.printProblems(result.problems)
        throw ExitCode(1)
    }
    if let rows = result.registryRows {
        print("\(dryRun ? "dry run: would replace" : "replaced") the registry extract with \(rows) people in \(String(format: "%.1f", seconds)) s")
        return
    }
    guard let outcome = result.ledger else { throw ExitCode(1) }
    if let last = outcome.previousImports.last {
        print("note: a file with the same content was imported before (\(JapaneseDate.dateTime(last))); nothing is duplicated")
    }
    print("\(dryRun ? "dry run (nothing written): would create" : "created") \(outcome.created), \(dryRun ? "update" : "updated") \(outcome.updated), unchanged \(outcome.unchanged) of \(outcome.rows) rows in \(String(format: seconds < 10 ? "%.2f" : "%.1f", seconds)) s (\(seconds > 0 ? Int(Double(outcome.rows) / seconds) : outcome.rows) rows/s)")
}
