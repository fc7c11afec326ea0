import ArgumentParser
import Foundation
import Logging
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiJobs
import MadoguchiServices
import PostgresNIO

/// `madoguchi snapshot …` (F4): take, list, verify, prune and restore snapshots.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Database snapshots with a blob manifest: create, list, verify, prune, restore.",
        subcommands: [Create.self, List.self, Verify.self, Prune.self, Restore.self])

    struct Location: ParsableArguments {
        @Option(name: .customLong("snapshot-dir"), help: "Snapshot folder (default <storage>/snapshots, or MADOGUCHI_SNAPSHOT_DIR).")
        var snapshotDir: String?

        func library(storage: URL) -> SnapshotLibrary {
            let path = snapshotDir ?? ProcessInfo.processInfo.environment["MADOGUCHI_SNAPSHOT_DIR"]
            return SnapshotLibrary(directory: path.map { URL(fileURLWithPath: $0).standardizedFileURL }
                                   ?? storage.appendingPathComponent("snapshots"))
        }
    }

    static func say(_ message: String) {
        print(message)
        fflush(nil)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a snapshot now (database dump, table checksums, blob manifest).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var location: Location
        @Option(name: .customLong("with-blobs"), help: "Also copy the blobs not yet there into this folder (a second place).")
        var withBlobs: String?

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let library = location.library(storage: database.storageURL)
            let copy = withBlobs.map { URL(fileURLWithPath: $0).standardizedFileURL }
            let manifest = try await database.withDesks(logger: Logger(label: "madoguchi.snapshot")) { desks in
                try await desks.operations.takeSnapshot(trigger: "command", library: library, blobCopy: copy, progress: SnapshotCommand.say)
            }
            print("\(manifest.id)\t\(library.directory.appendingPathComponent(manifest.id).path)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the snapshots, oldest first.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var location: Location

        func run() async throws {
            let entries = try location.library(storage: database.storageURL).list()
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "Asia/Tokyo")
            print("id\tcreated\ttrigger\ttables\trows\tblobs\tdump bytes")
            for entry in entries {
                let m = entry.manifest
                print("\(m.id)\t\(formatter.string(from: m.createdAt))\t\(m.trigger)\t\(m.tables.count)\t\(m.tables.reduce(0) { $0 + $1.rows })\t\(m.blobCount)\t\(entry.bytes)")
            }
            if entries.isEmpty { print("(no snapshots)") }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a snapshot: file checksums, the dump readable by pg_restore --list, every blob present with the right hash.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var location: Location
        @Argument(help: "Snapshot id (see `snapshot list`).") var id: String

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let blobs = try database.blobStore()
            let report = try await SnapshotVerifier(library: location.library(storage: database.storageURL))
                .verify(id, blobs: blobs, tools: nil, progress: SnapshotCommand.say)
            print("blobs checked: \(report.blobsChecked)")
            for problem in report.problems { print("PROBLEM \(problem)") }
            print(report.isHealthy ? "snapshot \(id) is intact" : "snapshot \(id) is DAMAGED (\(report.problems.count) problems)")
            if !report.isHealthy { throw ExitCode(1) }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete snapshots outside the retention (7 daily, 4 weekly, 12 monthly by default).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var location: Location
        @Option(help: "Daily snapshots to keep.") var daily = 7
        @Option(help: "Weekly snapshots to keep.") var weekly = 4
        @Option(help: "Monthly snapshots to keep.") var monthly = 12

        func run() async throws {
            let removed = try location.library(storage: database.storageURL).prune(RetentionPolicy(daily: daily, weekly: weekly, monthly: monthly))
            for id in removed { print("removed \(id)") }
            print("\(removed.count) removed")
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a snapshot into a new storage folder (its own PostgreSQL) or an empty database, and prove it by table checksums.",
            discussion: """
                madoguchi snapshot restore ID --snapshot-dir DIR --storage NEW
                madoguchi snapshot restore ID --snapshot-dir DIR --storage NEW --database-url postgres://…/empty_db
                madoguchi snapshot restore ID --replace-live   (takes a safety snapshot first; stop the servers before)
                Blobs are copied from the --with-blobs copy recorded in the snapshot, else from --blobs-from
                (default: the blobs folder beside the snapshot folder).
                """)
        @Option(help: "Where the restored data goes: a new (empty) storage folder, or with --replace-live the live one.")
        var storage: String?
        @OptionGroup var location: Location
        @Option(name: .customLong("database-url"), help: "Restore into this empty database instead of a private cluster in --storage.")
        var databaseURL: String?
        @Option(name: .customLong("blobs-from"), help: "Blob folder to copy from (default: <snapshot-dir>/../blobs).")
        var blobsFrom: String?
        @Flag(name: .customLong("replace-live"), help: "Replace the live database (a safety snapshot is taken first).")
        var replaceLive = false
        @Argument(help: "Snapshot id (see `snapshot list`).") var id: String

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let logger = Logger(label: "madoguchi.restore")
            var options = DatabaseOptions()
            options.storage = storage
            options.schema = nil
            let target = options.storageURL
            let library = location.library(storage: target)
            let entry = try library.entry(id)
            let sourceBlobs = URL(fileURLWithPath: blobsFrom ?? library.directory.deletingLastPathComponent().appendingPathComponent("blobs").path)
            let source: (any BlobStore)? = FileManager.default.fileExists(atPath: sourceBlobs.path) ? try FileBlobStore(root: sourceBlobs) : nil
            let fm = FileManager.default
            if !replaceLive {
                if fm.fileExists(atPath: target.path), !((try? fm.contentsOfDirectory(atPath: target.path)) ?? []).isEmpty, databaseURL == nil {
                    throw ValidationError("\(target.path) is not empty: restore into a new storage folder (or use --replace-live)")
                }
                try fm.createDirectory(at: target, withIntermediateDirectories: true)
            }
            // The blobs go where the restored system will read them: MADOGUCHI_BLOBS (an S3 bucket,
            // where most are already) or the target's blobs/ folder.
            let destination = try BlobStoreSetting.from(environment: ProcessInfo.processInfo.environment, storage: target).open()
            SnapshotCommand.say("restoring \(entry.manifest.id) (\(entry.manifest.tables.reduce(0) { $0 + $1.rows }) rows, \(entry.manifest.blobCount) blobs) into \(databaseURL == nil ? target.path : "the given database")")
            let server: DatabaseOptions.Server? = databaseURL != nil && !replaceLive ? nil : try await options.server(logger: logger)
            defer { server?.stop(logger: logger) }
            // Restores create the schema: the owner role's work.
            let db = try server?.database(.owner, logger: logger)
                ?? Database(configuration: try DatabaseLocation.configuration(fromURL: databaseURL!), logger: logger,
                            toolConnection: PostgresToolConnection(url: databaseURL!))
            let schema = options.schema
            let result = try await DatabaseOptions.withRunning(db) { db in
                if replaceLive {
                    SnapshotCommand.say("taking a safety snapshot of the live database first")
                    let safety = try await Snapshotter(database: db, blobs: destination, library: library)
                        .create(trigger: "safety", progress: SnapshotCommand.say)
                    SnapshotCommand.say("safety snapshot: \(safety.id)")
                }
                let result = try await SnapshotRestorer(library: library).restore(
                    id, into: db, blobsFrom: source, blobsTo: destination, replacing: replaceLive, progress: SnapshotCommand.say)
                // The dump carries no privileges: give the runtime roles theirs again.
                try await Migrator(directory: Migrator.locateSchemaDirectory(explicit: schema)).migrate(db.client, logger: logger)
                return result
            }
            if replaceLive {
                // The live log went back to the snapshot's head: this host's anchors from after it
                // would now read as deleted rows. They are kept aside, not destroyed.
                let anchors = target.appendingPathComponent("audit")
                if FileManager.default.fileExists(atPath: anchors.path) {
                    let aside = target.appendingPathComponent("audit-before-restore-\(Int(Date().timeIntervalSince1970))")
                    try FileManager.default.moveItem(at: anchors, to: aside)
                    SnapshotCommand.say("audit anchors from before the restore moved to \(aside.path)")
                }
                try AuditAnchors(folder: anchors).markRewound(at: Date())
            }
            print("restored \(id): \(result.tables) tables, \(result.rows) rows, every table's count and checksum match; \(result.blobsCopied) blobs copied")
        }
    }
}
