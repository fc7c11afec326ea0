import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiTestSupport
import PostgresNIO
import Testing

@Suite("Migrations")
struct MigratorTests {
    let logger = Logger(label: "test")

    /// Runs `body` against a new empty database with its pool running.
    func withEmptyDatabase(_ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        let (configuration, drop) = try await TestDatabases.shared.emptyDatabase()
        let client = PostgresClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
        await drop()
    }

    /// A copy of schema/ in a temporary folder that a test may edit.
    func schemaCopy() throws -> URL {
        let copy = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestDatabases.schemaDirectory, to: copy)
        return copy
    }

    @Test("a fresh database gets every file, a second run applies nothing")
    func freshThenRerun() async throws {
        try await withEmptyDatabase { client in
            // setup
            let migrator = Migrator(directory: TestDatabases.schemaDirectory)
            let files = try migrator.migrations().map(\.name)
            // act
            let first = try await migrator.migrate(client, logger: logger)
            let second = try await migrator.migrate(client, logger: logger)
            // check
            #expect(first == files)
            #expect(first.first == "0001_foundation")
            #expect(second.isEmpty)
            let recorded: [String] = try await client.all("SELECT name FROM schema_migration ORDER BY name", as: (String).self, logger: logger)
            #expect(recorded == files)
            let roles: [String] = try await client.all("SELECT name FROM role ORDER BY sort_order", as: (String).self, logger: logger)
            #expect(roles == ["administrator", "supervisor", "clerk", "viewer", "card-terminal"])
        }
    }

    @Test("an applied file that was changed is a clear error")
    func changedFile() async throws {
        try await withEmptyDatabase { client in
            // setup
            let directory = try schemaCopy()
            defer { try? FileManager.default.removeItem(at: directory) }
            try await Migrator(directory: directory).migrate(client, logger: logger)
            let file = directory.appendingPathComponent("0001_foundation.sql")
            try (try String(contentsOf: file, encoding: .utf8) + "\n-- edited after release\n").write(to: file, atomically: true, encoding: .utf8)
            // act / check
            await #expect {
                try await Migrator(directory: directory).migrate(client, logger: logger)
            } throws: { error in
                guard case DatabaseError.migrationChanged(let name, _, _) = error else { return false }
                return name == "0001_foundation" && "\(error)".contains("変更されています")
            }
        }
    }

    @Test("a failing file is rolled back whole and not recorded")
    func failingFile() async throws {
        try await withEmptyDatabase { client in
            // setup
            let directory = try schemaCopy()
            defer { try? FileManager.default.removeItem(at: directory) }
            try "CREATE TABLE half_done (x int);\nSELECT no_such_function();\n"
                .write(to: directory.appendingPathComponent("9999_broken.sql"), atomically: true, encoding: .utf8)
            // act
            await #expect(throws: DatabaseError.self) { try await Migrator(directory: directory).migrate(client, logger: logger) }
            // check: the real files landed, 9999 left nothing behind
            let names: [String] = try await client.all("SELECT name FROM schema_migration ORDER BY name", as: (String).self, logger: logger)
            #expect(names == (try Migrator(directory: TestDatabases.schemaDirectory).migrations().map(\.name)))
            let table = try await client.first("SELECT to_regclass('half_done')::text", as: (String?).self, logger: logger)
            #expect(table == .some(nil))
        }
    }

    @Test("several instances migrating at once apply each file exactly once")
    func concurrentInstances() async throws {
        try await withEmptyDatabase { client in
            // setup
            let migrator = Migrator(directory: TestDatabases.schemaDirectory)
            // act: four "instances" start together
            let results = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<4 { group.addTask { try await migrator.migrate(client, logger: logger) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // check: exactly one of them applied the files, the others found nothing to do
            #expect(results.filter { !$0.isEmpty }.count == 1)
            #expect(results.flatMap { $0 }.count == (try migrator.migrations().count))
        }
    }

    @Test("file names must be NNNN_name.sql")
    func badName() throws {
        let directory = try schemaCopy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 1;".write(to: directory.appendingPathComponent("2_Oops.sql"), atomically: true, encoding: .utf8)
        #expect(throws: DatabaseError.self) { try Migrator(directory: directory).migrations() }
    }
}
