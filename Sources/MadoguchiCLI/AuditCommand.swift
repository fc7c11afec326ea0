import ArgumentParser
import Foundation
import Logging
import MadoguchiDomain
import MadoguchiServices

/// `madoguchi audit …`: check and read the audit log (E2).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check and read the audit log.", subcommands: [Verify.self, Tail.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain; exit 1 naming the first broken entry.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let result = try await database.withDesks(logger: Logger(label: "madoguchi.audit")) { desks in
                try await desks.audit.verify { checked in
                    FileHandle.standardError.write(Data("  checked \(checked) entries…\n".utf8))
                }
            }
            if let broken = result.firstBroken {
                print("audit log BROKEN at entry \(broken.id): \(broken.reason) (\(result.checked) entries before it are intact)")
                throw ExitCode(1)
            }
            print("audit log intact: \(result.checked) entries verified")
        }
    }

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the newest entries.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "How many entries.") var limit = 20

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let limit = limit
            let entries = try await database.withDesks(logger: Logger(label: "madoguchi.audit")) { desks in try await desks.audit.tail(limit: limit) }
            for e in entries.reversed() {
                print("\(e.id)\t\(JapaneseDate.dateTime(e.occurredAt))\t\(e.actorLogin)\t\(e.action)\t\(e.recordType) \(e.recordID)\t\(e.result)\t\(e.detail)")
            }
        }
    }
}
