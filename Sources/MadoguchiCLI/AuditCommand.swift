import ArgumentParser
import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiServices

/// `madoguchi audit …`: check and read the audit log (E2).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check and read the audit log.", subcommands: [Verify.self, Tail.self, RotateKey.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every seal and compare the anchors kept outside the database; exit 1 naming the first broken entry.",
            discussion: """
                Anchors: <storage>/audit/head and anchors.log (or MADOGUCHI_AUDIT_ANCHOR_DIR), every --anchors folder
                (copies from other hosts), and the head recorded in each snapshot manifest.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("anchors"), help: "Another folder of anchors to compare (repeatable).") var anchorFolders: [String] = []

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let extra = anchorFolders.map { URL(fileURLWithPath: $0) }
            let (result, sources) = try await database.withDesks(logger: Logger(label: "madoguchi.audit"), anchor: false) { desks in
                try await desks.audit.verify(extraAnchorFolders: extra) { checked in
                    FileHandle.standardError.write(Data("  checked \(checked) entries…\n".utf8))
                }
            }
            let compared = "\(sources.files) anchor(s) from files, \(sources.snapshots) from snapshot manifests"
                + (sources.unreadable > 0 ? ", \(sources.unreadable) unreadable" : "")
                + (sources.beforeRestore > 0 ? ", \(sources.beforeRestore) from before the last restore not compared" : "")
            if let broken = result.firstBroken {
                print("audit log BROKEN at entry \(broken.id): \(broken.reason) (\(result.checked) entries before it are intact; \(compared))")
                throw ExitCode(1)
            }
            print("audit log intact: \(result.checked) entries verified, \(compared)")
        }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Add a new audit sealing key to <storage>/secrets/app-keys (old keys stay, for verifying older rows).",
            discussion: """
                Copy the updated file to every host (or update MADOGUCHI_AUDIT_KEYS) and restart the instances:
                each seals new rows with the highest-numbered key it has. Never delete an old key while rows
                sealed with it exist: `audit verify` needs it.
                """)
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let number = try AppSecrets.rotateAuditKey(folder: database.secretsFolder)
            print("audit key \(number) added to \(AppSecrets.file(in: database.secretsFolder).path); restart every instance to seal with it")
        }
    }

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the newest entries.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "How many entries.") var limit = 20

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let limit = limit
            let entries = try await database.withDesks(logger: Logger(label: "madoguchi.audit"), anchor: false) { desks in
                try await desks.audit.tail(limit: limit)
            }
            for e in entries.reversed() {
                print("\(e.id)\t\(JapaneseDate.dateTime(e.occurredAt))\t\(e.actorLogin)\t\(e.action)\t\(e.recordType) \(e.recordID)\t\(e.result)\t\(e.detail)")
            }
        }
    }
}
