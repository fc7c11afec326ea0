import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiTestSupport
import PostgresNIO
import Testing

@Suite("Audit log hash chain (E2)")
struct AuditLogTests {
    func seed(_ log: AuditLog, count: Int) async throws {
        for i in 1...count {
            try await log.record(AuditEvent(actorUserID: 1, actorLogin: "tanaka", action: "user.update", recordType: "staff_user",
                                            recordID: String(i), sourceAddress: "10.0.0.\(i)", detail: "変更 \(i)", requestID: "r\(i)"))
        }
    }

    @Test("an untouched log verifies")
    func intact() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db)
            try await seed(log, count: 5)
            // act
            let result = try await log.verify()
            // check
            #expect(result.isIntact)
            #expect(result.checked == 5)
        }
    }

    @Test("an edited row is named as the first broken entry")
    func tamperedRow() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db)
            try await seed(log, count: 5)
            let third = try await db.client.first("SELECT id FROM audit_log ORDER BY id OFFSET 2 LIMIT 1", as: (Int64).self, logger: db.logger)!
            // act: what an insider with SQL access might do
            try await db.client.execute("UPDATE audit_log SET actor_login = 'someone-else' WHERE id = \(third)", logger: db.logger)
            let result = try await log.verify()
            // check
            #expect(result.firstBroken?.id == third)
            #expect(result.checked == 2)
        }
    }

    @Test("a deleted row breaks the chain at the entry after it")
    func deletedRow() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db)
            try await seed(log, count: 4)
            let ids: [Int64] = try await db.client.all("SELECT id FROM audit_log ORDER BY id", as: (Int64).self, logger: db.logger)
            // act
            try await db.client.execute("DELETE FROM audit_log WHERE id = \(ids[1])", logger: db.logger)
            // check
            #expect(try await log.verify().firstBroken?.id == ids[2])
        }
    }

    @Test("concurrent writers still produce one unbroken chain")
    func concurrentWriters() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let log = AuditLog(database: db)
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
            let log = AuditLog(database: db)
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
            let log = AuditLog(database: db)
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
