import Foundation
import Logging
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiJobs
import MadoguchiTestSupport
import PostgresNIO
import Testing

@Suite("Snapshots: create, verify, damage, restore, compare (F4)")
struct SnapshotTests {
    /// A live database with some of everything, its blob store and a snapshot folder.
    struct Scene {
        let folder: URL
        let blobs: FileBlobStore
        let ref: BlobRef
        let library: SnapshotLibrary

        init(_ db: Database) async throws {
            folder = SnapshotTests.temporaryFolder()
            blobs = try FileBlobStore(root: folder.appendingPathComponent("blobs"))
            ref = try await SnapshotTests.seed(db, blobs: blobs)
            library = SnapshotLibrary(directory: folder.appendingPathComponent("snapshots"))
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func temporaryFolder() -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mdg-snap-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Some of everything: a location, an applicant, a stored blob with its row, audit entries.
    static func seed(_ db: Database, blobs: any BlobStore) async throws -> BlobRef {
        let info = try await blobs.put(Data("scanned form \(UUID())".utf8))
        try await db.transaction { connection in
            try await connection.execute("""
                INSERT INTO location (name, address) VALUES ('本庁舎', '西東京市');
                """, logger: db.logger)
            try await connection.execute("""
                INSERT INTO applicant (family_name, given_name, family_kana, given_kana, birth_date, sex)
                VALUES ('山田', '花子', 'ヤマダ', 'ハナコ', '1985-06-15', 'female')
                """, logger: db.logger)
            try await connection.execute("""
                INSERT INTO blob (sha256, size, media_type) VALUES (\(info.ref.hex), \(info.size), 'image/tiff')
                """, logger: db.logger)
        }
        let audit = AuditLog(database: db, keyring: AppSecrets.fixed("snapshot-tests").auditKeys)
        for n in 1...3 { try await audit.record(AuditEvent(actorUserID: nil, actorLogin: "test", action: "seed.\(n)")) }
        return info.ref
    }

    @Test("restore into an empty database gives the snapshot's rows back, proven by counts and checksums")
    func roundTrip() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let scene = try await Scene(db)
            defer { scene.remove() }
            let (folder, blobs, ref, library) = (scene.folder, scene.blobs, scene.ref, scene.library)
            let manifest = try await Snapshotter(database: db, blobs: blobs, library: library).create(trigger: "command")
            // act: damage the live data after the snapshot
            try await db.client.execute("DELETE FROM applicant", logger: db.logger)
            try await db.client.execute("UPDATE location SET name = '書き換え'", logger: db.logger)
            let restoredBlobs = try FileBlobStore(root: folder.appendingPathComponent("restored-blobs"))
            let result = try await TestDatabases.shared.withEmptyDatabase { target in
                let result = try await SnapshotRestorer(library: library).restore(manifest.id, into: target, blobsFrom: blobs,
                                                                                 blobsTo: restoredBlobs)
                // check: the rows as they were
                let name = try await target.client.first("SELECT family_name FROM applicant", as: (String).self, logger: db.logger)
                #expect(name == "山田")
                let location = try await target.client.first("SELECT name FROM location", as: (String).self, logger: db.logger)
                #expect(location == "本庁舎")
                #expect(try await AuditLog(database: target, keyring: AppSecrets.fixed("snapshot-tests").auditKeys).verify().isIntact)
                // a second restore into the now-filled database is refused
                await #expect(throws: SnapshotError.self) {
                    try await SnapshotRestorer(library: library).restore(manifest.id, into: target, blobsFrom: blobs, blobsTo: restoredBlobs)
                }
                return result
            }
            #expect(result.blobsCopied == 1)
            #expect(try await restoredBlobs.stat(ref) != nil)
            #expect(result.rows == manifest.tables.reduce(0) { $0 + $1.rows })
            #expect(manifest.tables.first { $0.name == "applicant" }?.rows == 1)
            #expect(manifest.blobCount == 1)
        }
    }

    @Test("restore over the damaged live database puts it back")
    func replaceLive() async throws {
        try await TestDatabases.shared.withDatabase { db in
            let scene = try await Scene(db)
            defer { scene.remove() }
            let (blobs, library) = (scene.blobs, scene.library)
            let manifest = try await Snapshotter(database: db, blobs: blobs, library: library).create(trigger: "command")
            try await db.client.execute("DELETE FROM applicant", logger: db.logger)
            try await db.client.execute("INSERT INTO location (name) VALUES ('後から追加')", logger: db.logger)
            // act
            _ = try await SnapshotRestorer(library: library).restore(manifest.id, into: db, blobsFrom: blobs, blobsTo: blobs, replacing: true)
            // check
            let after = try await TableChecksums.compute(in: db)
            #expect(TableChecksums.differences(expected: manifest.tables, actual: after).isEmpty)
            let locations: Int? = try await db.client.first("SELECT count(*) FROM location", as: (Int).self, logger: db.logger)
            #expect(locations == 1)
        }
    }

    @Test("verify finds a changed dump byte and a missing blob; an intact snapshot passes")
    func verify() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let scene = try await Scene(db)
            defer { scene.remove() }
            let (blobs, ref, library) = (scene.blobs, scene.ref, scene.library)
            let manifest = try await Snapshotter(database: db, blobs: blobs, library: library).create(trigger: "command")
            let verifier = SnapshotVerifier(library: library)
            // check: intact
            let intact = try await verifier.verify(manifest.id, blobs: blobs, tools: db.toolConnection)
            #expect(intact.isHealthy, "\(intact.problems)")
            #expect(intact.blobsChecked == 1)
            // act: remove the blob, change one byte of the dump
            #expect(try await blobs.remove(ref))
            let dump = library.directory.appendingPathComponent(manifest.id).appendingPathComponent(SnapshotManifest.dumpName)
            var bytes = try Data(contentsOf: dump)
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: dump)
            let damaged = try await verifier.verify(manifest.id, blobs: blobs, tools: db.toolConnection)
            // check
            #expect(damaged.problems.contains { $0.contains("database.dump does not match") })
            #expect(damaged.problems.contains { $0.contains(ref.hex) })
        }
    }

    @Test("--with-blobs copies blobs to a second place, and a restore can take them from there alone")
    func blobCopy() async throws {
        try await TestDatabases.shared.withDatabase { db in
            let scene = try await Scene(db)
            defer { scene.remove() }
            let (folder, blobs, ref, library) = (scene.folder, scene.blobs, scene.ref, scene.library)
            let copy = folder.appendingPathComponent("offsite")
            let manifest = try await Snapshotter(database: db, blobs: blobs, library: library).create(trigger: "command", blobCopy: copy)
            #expect(try await FileBlobStore(root: copy).stat(ref) != nil)
            // the original blob store is lost
            try FileManager.default.removeItem(at: folder.appendingPathComponent("blobs"))
            let fresh = try FileBlobStore(root: folder.appendingPathComponent("new-blobs"))
            let result = try await TestDatabases.shared.withEmptyDatabase { target in
                try await SnapshotRestorer(library: library).restore(manifest.id, into: target, blobsFrom: nil, blobsTo: fresh)
            }
            #expect(result.blobsCopied == 1)
            #expect(try await fresh.stat(ref) != nil)
        }
    }

    @Test("the nightly job runs once a night, even when two instances tick at once")
    func nightlyOnce() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let folder = Self.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let blobs = try FileBlobStore(root: folder.appendingPathComponent("blobs"))
            let library = SnapshotLibrary(directory: folder.appendingPathComponent("snapshots"))
            func instance() -> NightlySnapshots {
                NightlySnapshots(snapshotter: Snapshotter(database: db, blobs: blobs, library: library), runs: JobRunStore(database: db),
                                 policy: RetentionPolicy(), minuteOfDay: 120, logger: Logger(label: "test"))
            }
            let night = ISO8601DateFormatter().date(from: "2026-11-29T17:30:00Z")!  // 02:30 on the 30th, Tokyo
            // check: the night key
            #expect(instance().night(at: night).description == "2026-11-30")
            #expect(instance().night(at: night.addingTimeInterval(-3600)).description == "2026-11-29")
            // act: two instances at once, then again later that night
            async let a = instance().tick(now: night)
            async let b = instance().tick(now: night)
            let taken = [try await a, try await b].compactMap { $0 }
            let later = try await instance().tick(now: night.addingTimeInterval(1800))
            // check
            #expect(taken.count == 1)
            #expect(later == nil)
            #expect(try library.list().count == 1)
            let run = try await JobRunStore(database: db).latest(kind: "snapshot", okOnly: true)
            #expect(run?.snapshotID == taken.first)
        }
    }
}
