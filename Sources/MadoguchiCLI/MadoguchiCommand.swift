import ArgumentParser
import Foundation
import Logging
import MadoguchiServices

/// `madoguchi`: the server and the operators' tools.
@available(macOS 10.15, *)
public struct MadoguchiCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "madoguchi",
        abstract: "窓口 Madoguchi: My Number card office service (booking, intake, document archive, card ledger).",
        subcommands: [ServeCommand.self, SnapshotCommand.self, MigrateCommand.self, DbCommand.self, WorkerCommand.self, UserCommand.self, TokenCommand.self, AuditCommand.self,
                      VerifyCommand.self, GCCommand.self, ExportCommand.self, ImportCommand.self, SeedCommand.self, LocationCommand.self, CalendarCommand.self, BenchmarkCommand.self, VersionCommand.self])

    public init() {}

    /// Entry point for the executable. Called from another module's top-level code, `main()`
    /// would resolve to ArgumentParser's synchronous overload, which never runs async commands.
    public static func start() async {
        await main()
    }

    /// Sets up logging once for the process: JSON lines by default (`MADOGUCHI_LOG_FORMAT=text`
    /// for people), level from `MADOGUCHI_LOG_LEVEL`.
    static func bootstrapLogging(defaultLevel: Logger.Level) {
        let environment = ProcessInfo.processInfo.environment
        let level = environment["MADOGUCHI_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? defaultLevel
        let text = environment["MADOGUCHI_LOG_FORMAT"] == "text"
        LoggingSystem.bootstrap { label in
            if text {
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("madoguchi \(MadoguchiVersion.current)")
    }
}

/// A user-facing failure of a command: printed without a stack, exit status 1.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
