import ArgumentParser
import Foundation
import Logging
import MadoguchiArchive
import MadoguchiServices

/// `madoguchi verify`: the archive's integrity check (B4; DESIGN integrity rules).
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash every stored blob; report corrupt, missing and orphan blobs.",
        discussion: "Exits 1 when a blob is corrupt or missing. Orphans (stored, referenced by nothing) are reported only; `madoguchi gc` removes them.")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Check presence and size only, without re-hashing (fast).") var quick = false

    func run() async throws {
        MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
        let rehash = !quick
        let report = try await database.withDesks(logger: Logger(label: "madoguchi.verify")) { desks in
            try await desks.archive.verify(rehash: rehash, trigger: "command") { count in
                FileHandle.standardError.write(Data("  checked \(count) blobs…\n".utf8))
            }
        }
        print("checked \(report.checked) blobs (\(report.bytes / 1_048_576) MiB)\(rehash ? ", re-hashed" : ", sizes only")")
        for sha in report.corrupt { print("CORRUPT  \(sha)") }
        for sha in report.missing { print("MISSING  \(sha)") }
        for orphan in report.orphans { print("orphan   \(orphan.ref.hex) (\(orphan.size) bytes)") }
        print("corrupt: \(report.corrupt.count), missing: \(report.missing.count), orphans: \(report.orphans.count)")
        if !report.isHealthy { throw ExitCode(1) }
    }
}

/// `madoguchi gc`: removes blobs nothing refers to, once they are older than a grace period
/// (an upload in progress has a blob but no row yet).
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Remove orphan blobs older than the grace period (dry run unless --delete).")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("grace-hours"), help: "Keep orphans younger than this.") var graceHours = 24
    @Flag(help: "Really delete (default: only list what would go).") var delete = false

    func run() async throws {
        MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
        let (graceHours, delete) = (graceHours, delete)
        let removed = try await database.withDesks(logger: Logger(label: "madoguchi.gc")) { desks in
            try await desks.archive.collectGarbage(grace: TimeInterval(graceHours) * 3600, delete: delete)
        }
        for blob in removed { print("\(delete ? "removed" : "would remove")  \(blob.ref.hex) (\(blob.size) bytes)") }
        print("\(removed.count) orphan blob(s) older than \(graceHours) h \(delete ? "removed" : "found; run with --delete to remove them")")
    }
}
