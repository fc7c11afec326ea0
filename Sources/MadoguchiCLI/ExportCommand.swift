import ArgumentParser
import Foundation
import Logging
import MadoguchiServices
import MadoguchiDomain
import MadoguchiReports

/// `madoguchi export bookings|intakes …` (D2): the staff site's extract for scheduled jobs.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a multi-condition extract of bookings or intake records as CSV (UTF-8 with BOM, or CP932).",
        discussion: """
            In CP932 a character Shift_JIS cannot hold stops the export, naming its line and column, and no file is left;
            with --substitute it becomes 〓 and every replacement is listed on standard error. Progress goes to standard
            error every 10,000 rows. The export is recorded in the audit log.
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "bookings or intakes") var dataset: String
    @Option(help: "First day (YYYY-MM-DD): visit day for bookings, intake day for intakes.") var from: String?
    @Option(help: "Last day (YYYY-MM-DD).") var to: String?
    @Option(help: "Location id (see `location list`).") var location: Int64?
    @Option(help: "Bookings: application or pickup.") var purpose: String?
    @Option(help: "Bookings: booked, checked_in, no_show or cancelled.") var status: String?
    @Option(help: "Booking channel (web, phone, counter) or intake channel (counter, outreach, workplace, support).") var channel: String?
    @Option(name: .customLong("age-min"), help: "Youngest age on the day, inclusive.") var ageMin: Int?
    @Option(name: .customLong("age-max"), help: "Oldest age on the day, inclusive.") var ageMax: Int?
    @Option(help: "utf-8 (with BOM, default) or cp932.") var encoding = "utf-8"
    @Flag(help: "CP932: write 〓 for characters Shift_JIS cannot hold, and list them.") var substitute = false
    @Option(help: "Output file.") var output: String

    func validate() throws {
        guard Extract.Dataset(rawValue: dataset) != nil else { throw ValidationError("dataset must be bookings or intakes") }
        guard TextEncoding(rawValue: encoding) != nil else { throw ValidationError("--encoding must be utf-8 or cp932") }
        for (name, value) in [("--from", from), ("--to", to)] where value != nil && CalendarDate(value!) == nil {
            throw ValidationError("\(name) must be YYYY-MM-DD")
        }
        if let purpose, BookingPurpose(rawValue: purpose) == nil { throw ValidationError("--purpose must be application or pickup") }
        if let status, BookingStatus(rawValue: status) == nil { throw ValidationError("--status must be booked, checked_in, no_show or cancelled") }
    }

    func run() async throws {
        MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
        let extract = Extract(dataset: Extract.Dataset(rawValue: dataset)!, from: from.flatMap(CalendarDate.init),
                                   through: to.flatMap(CalendarDate.init), locationID: location, purpose: purpose.flatMap(BookingPurpose.init(rawValue:)),
                                   status: status.flatMap(BookingStatus.init(rawValue:)), channel: channel, ageMin: ageMin, ageMax: ageMax)
        let encoding = TextEncoding(rawValue: encoding)!
        let target = URL(fileURLWithPath: output)
        let partial = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial")
        let substitute = substitute
        let started = Date()
        let (rows, replaced) = try await database.withDesks(logger: Logger(label: "madoguchi.export")) { desks in
            let export: TableExport
            do {
                export = try await desks.statistics.export(extract, encoding: encoding, substitute: substitute, caller: .command())
            } catch let refused as UnencodableExport {
                throw ValidationFailure(refused.characters.map(\.description).joined(separator: " / ") + " (use --encoding utf-8, or --substitute)")
            }
            FileManager.default.createFile(atPath: partial.path, contents: nil)
            let handle = try FileHandle(forWritingTo: partial)
            defer { try? handle.close() }
            let csv = CSVExport(encoding: encoding, columns: export.columns, substitute: substitute)
            var buffer = try csv.header()
            var rows = 0
            do {
                try await export.rows { cells in
                    buffer += try csv.line(cells)
                    rows += 1
                    if buffer.count >= 1 << 16 {
                        try handle.write(contentsOf: buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                    if rows % 10_000 == 0 { FileHandle.standardError.write(Data("  \(rows) rows…\n".utf8)) }
                }
                try handle.write(contentsOf: buffer)
            } catch let problem as UnencodableCharacter {
                try? FileManager.default.removeItem(at: partial)
                throw ValidationFailure(problem.description + " (use --encoding utf-8, or --substitute)")
            }
            return (rows, csv.substituted)
        }
        for problem in replaced { FileHandle.standardError.write(Data("replaced: \(problem.description)\n".utf8)) }
        _ = try? FileManager.default.removeItem(at: target)
        try FileManager.default.moveItem(at: partial, to: target)
        let seconds = Date().timeIntervalSince(started)
        print("\(rows) rows written to \(target.path) (\(encoding.rawValue)\(replaced.isEmpty ? "" : ", \(replaced.count) characters replaced by 〓")) in \(String(format: "%.1f", seconds)) s")
    }
}
