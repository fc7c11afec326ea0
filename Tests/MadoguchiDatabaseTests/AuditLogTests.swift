import Crypto
import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiTestSupport
import PostgresNIO
import Testing

@Suite("Audit log: sealed chain, append-only table, anchors (E2, #13)")
struct AuditLogTests {
    static let keys = AppSecrets.fixed("audit-tests").auditKeys

    func seed(_ log: AuditLog, count: Int) async throws {
        for i in 1...count {
            try await log.record(AuditEvent(actorUserID: 1, actorLogin: "tanaka", action: "user.update", recordType: "staff_user",
                                            recordID: String(i), sourceAddress: "10.0.0.\(i)", detail: "変更 \(i)", requestID: "r\(i)"))
        }
    }

    /// What an insider with the owner role has to do first: switch the append-only triggers off.
    func disableTriggers(_ db: Database) async throws {
        try await db.client.execute("ALTER TABLE audit_log DISABLE TRIGGER USER", logger: db.logger)
    }

    @Test("an untouched log verifies, every row sealed with the current key")
    func intact() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db, keyring: Self.keys)
            try await seed(log, count: 5)
            // act
            let result = try await log.verify()
            // check
            #expect(result.isIntact)
            #expect(result.checked == 5)
            let keyIDs = try await db.client.all("SELECT key_id FROM audit_log", as: (Int32).self, logger: db.logger)
            #expect(keyIDs == [1, 1, 1, 1, 1])
        }
    }

    @Test("neither runtime role may update, delete or truncate the audit log; the owner is stopped by the trigger",
          arguments: ["UPDATE audit_log SET detail = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"])
    func appendOnly(statement: String) async throws {
        try await TestDatabases.shared.withSiteDatabases { dbs in
            // setup
            let log = AuditLog(database: dbs.staff, keyring: Self.keys)
            try await seed(log, count: 2)
            // act / check: the runtime roles lack the privilege, the owner hits the trigger
            for db in [dbs.staff, dbs.resident, dbs.owner] {
                await #expect(throws: PSQLError.self) {
                    try await db.client.execute(PostgresQuery(unsafeSQL: statement), logger: db.logger)
                }
            }
            #expect(try await log.verify().checked == 2)
        }
    }

    @Test("the resident role can add rows and read only the chain's id and seal")
    func residentColumns() async throws {
        try await TestDatabases.shared.withSiteDatabases { dbs in
            // setup
            try await seed(AuditLog(database: dbs.staff, keyring: Self.keys), count: 1)
            // act
            try await AuditLog(database: dbs.resident, keyring: Self.keys).record(AuditEvent(actorUserID: nil, actorLogin: "resident", action: "booking.create"))
            // check
            await #expect(throws: PSQLError.self) {
                try await dbs.resident.client.execute("SELECT detail FROM audit_log", logger: dbs.resident.logger)
            }
            #expect(try await AuditLog(database: dbs.owner, keyring: Self.keys).verify().checked == 2)
        }
    }

    @Test("an edited row is named as the first broken entry")
    func tamperedRow() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db, keyring: Self.keys)
            try await seed(log, count: 5)
            let third = try await db.client.first("SELECT id FROM audit_log ORDER BY id OFFSET 2 LIMIT 1", as: (Int64).self, logger: db.logger)!
            // act: what an insider with the owner role might do
            try await disableTriggers(db)
            try await db.client.execute("UPDATE audit_log SET actor_login = 'someone-else' WHERE id = \(third)", logger: db.logger)
            let result = try await log.verify()
            // check
            #expect(result.firstBroken?.id == third)
            #expect(result.checked == 2)
        }
    }

    @Test("rows rewritten and re-chained without the key fail: with plain SHA-256, or with another key")
    func rechained() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db, keyring: Self.keys)
            try await seed(log, count: 4)
            try await disableTriggers(db)
            // act: rewrite row 3's detail and re-seal rows 3 and 4 under a key the attacker made up
            let forger = AppSecrets.fixed("attacker").auditKeys
            let rows = try await AuditLog(database: db, keyring: forger).search(AuditFilter(limit: 10)).reversed()
            var previous = Array(rows)[1].hash
            for (index, entry) in Array(rows).enumerated() where index >= 2 {
                var event = entry.event
                if index == 2 { event.detail = "消された操作" }
                let hash = forger.seal(AuditEntry.canonical(id: entry.id, occurredAtMicros: entry.occurredAtMicros, event: event,
                                                            previousHash: previous), keyID: 1)!
                try await db.client.execute("""
                    UPDATE audit_log SET detail = \(event.detail), prev_hash = \(previous), hash = \(hash) WHERE id = \(entry.id)
                    """, logger: db.logger)
                previous = hash
            }
            // check
            let result = try await log.verify()
            #expect(result.firstBroken?.id == Array(rows)[2].id)
            #expect(result.firstBroken?.reason.contains("封印") == true)
        }
    }

    @Test("a log rewritten whole in the old unkeyed form fails: its newest row is not keyed")
    func downgraded() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db, keyring: Self.keys)
            try await seed(log, count: 3)
            try await disableTriggers(db)
            // act: every row re-chained with SHA-256 and marked as from before the keyed seal
            var previous = AuditLog.genesisHash
            for entry in try await log.search(AuditFilter(limit: 10)).reversed() {
                let hash = Data(SHA256.hash(data: AuditEntry.canonical(id: entry.id, occurredAtMicros: entry.occurredAtMicros, event: entry.event,
                                                                       previousHash: previous)))
                try await db.client.execute("UPDATE audit_log SET key_id = 0, prev_hash = \(previous), hash = \(hash) WHERE id = \(entry.id)",
                                            logger: db.logger)
                previous = hash
            }
            // check
            let result = try await log.verify()
            #expect(result.firstBroken != nil)
            #expect(result.firstBroken?.reason.contains("鍵で封印されていません") == true)
        }
    }

    @Test("rows from before the keyed seal verify when keyed rows follow them; an unkeyed row after a keyed one does not")
    func legacyPrefix() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup: two rows as the version before #13 wrote them
            var previous = AuditLog.genesisHash
            for id: Int64 in [1, 2] {
                let event = AuditEvent(actorUserID: nil, actorLogin: "old", action: "old.write", recordID: String(id))
                let micros = Int64(1_700_000_000_000_000) + id
                let hash = Data(SHA256.hash(data: AuditEntry.canonical(id: id, occurredAtMicros: micros, event: event, previousHash: previous)))
                try await db.client.execute("""
                    INSERT INTO audit_log (id, occurred_at, actor_login, action, record_id, result, prev_hash, hash, key_id)
                    VALUES (\(id), 'epoch'::timestamptz + \(micros) * interval '1 microsecond', 'old', 'old.write', \(String(id)), 'success',
                            \(previous), \(hash), 0)
                    """, logger: db.logger)
                previous = hash
            }
            try await db.client.execute("SELECT setval('audit_log_id_seq', 2)", logger: db.logger)
            let log = AuditLog(database: db, keyring: Self.keys)
            #expect(try await log.headIsUnkeyed())
            // act
            try await seed(log, count: 2)
            let before = try await log.verify()
            try await disableTriggers(db)
            try await db.client.execute("UPDATE audit_log SET key_id = 0 WHERE id = 4", logger: db.logger)
            let after = try await log.verify()
            // check
            #expect(before.isIntact)
            #expect(before.checked == 4)
            #expect(after.firstBroken?.id == 4)
        }
    }

    @Test("deleting the newest three rows passes the chain but not the anchors")
    func newestRowsDeleted() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anchors-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let log = AuditLog(database: db, keyring: Self.keys)
            let anchors = AuditAnchors(folder: folder)
            try await seed(log, count: 8)
            try anchors.writeHead(try #require(try await log.head()))
            // act
            try await disableTriggers(db)
            try await db.client.execute("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 3)", logger: db.logger)
            let withoutAnchors = try await log.verify()
            let withAnchors = try await log.verify(anchors: anchors.read().anchors)
            // check
            #expect(withoutAnchors.isIntact, "the shortened chain is consistent in itself")
            #expect(withAnchors.firstBroken?.id == 8)
            #expect(withAnchors.firstBroken?.reason.contains("6 以降が削除") == true)
            #expect(throws: AuditAnchors.Regression.self) { try anchors.writeHead(AuditAnchor(id: 5, hash: Data(count: 32), at: Date())) }
        }
    }

    @Test("an anchor line round-trips, and the log file keeps every appended line")
    func anchorFile() throws {
        // setup
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anchors-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let anchors = AuditAnchors(folder: folder)
        let first = AuditAnchor(id: 7, hash: Data((0..<32).map { UInt8($0) }), at: Date(timeIntervalSince1970: 1_800_000_000))
        let second = AuditAnchor(id: 9, hash: Data(repeating: 0xab, count: 32), at: Date(timeIntervalSince1970: 1_800_000_600))
        // act
        try anchors.append(first)
        try anchors.append(second)
        try anchors.writeHead(second)
        // check
        #expect(AuditAnchor(line: first.line) == first)
        #expect(anchors.read().anchors == [second, first, second])
        #expect(AuditAnchor(line: "7 zz 2026-01-01T00:00:00Z") == nil)
    }

    @Test("a deleted row breaks the chain at the entry after it")
    func deletedRow() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db, keyring: Self.keys)
            try await seed(log, count: 4)
            let ids: [Int64] = try await db.client.all("SELECT id FROM audit_log ORDER BY id", as: (Int64).self, logger: db.logger)
            // act
            try await disableTriggers(db)
            try await db.client.execute("DELETE FROM audit_log WHERE id = \(ids[1])", logger: db.logger)
            // check
            #expect(try await log.verify().firstBroken?.id == ids[2])
        }
    }

    @Test("concurrent writers still produce one unbroken chain")
    func concurrentWriters() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db, keyring: Self.keys)
            // act: 40 entries from 8 tasks at once
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for i in 0..<5 {
                            try await log.record(AuditEvent(actorUserID: nil, actorLogin: "w\(worker)", action: "test.write", recordID: "\(i)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            // check
            let result = try await log.verify()
            #expect(result.isIntact)
            #expect(result.checked == 40)
        }
    }

    @Test("an entry written in a rolled-back transaction leaves no trace and no gap in the chain")
    func rollback() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db, keyring: Self.keys)
            try await seed(log, count: 2)
            struct Abort: Error {}
            // act
            await #expect(throws: Abort.self) {
                try await db.transaction { connection in
                    try await log.record(AuditEvent(actorUserID: 1, actorLogin: "x", action: "will.rollback"), on: connection)
                    throw Abort()
                }
            }
            try await seed(log, count: 1)
            // check
            let actions: [String] = try await db.client.all("SELECT action FROM audit_log", as: (String).self, logger: db.logger)
            #expect(!actions.contains("will.rollback"))
            #expect(try await log.verify().isIntact)
        }
    }

    @Test("search filters by user, action prefix and record")
    func search() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db, keyring: Self.keys)
            try await seed(log, count: 3)
            try await log.record(AuditEvent(actorUserID: 2, actorLogin: "suzuki", action: "session.login", recordType: "staff_user", recordID: "2"))
            // act
            let bySuzuki = try await log.search(.init(actorLogin: "suzuki"))
            let updates = try await log.search(.init(action: "user."))
            let record2 = try await log.search(.init(recordType: "staff_user", recordID: "2"))
            // check
            #expect(bySuzuki.map(\.action) == ["session.login"])
            #expect(updates.count == 3)
            #expect(record2.count == 2)
            #expect(updates.first!.id > updates.last!.id)
        }
    }
}
