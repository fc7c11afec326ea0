import ArgumentParser
import Logging
import MadoguchiDatabase

/// `madoguchi migrate`: apply pending schema files and report.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending migrations from schema/ (safe to run from several instances).",
        discussion: "Connects as the owner role (DATABASE_URL on a server) and re-applies the runtime roles' grants afterwards.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        MadoguchiCommand.bootstrapLogging(defaultLevel: .notice)
        let logger = Logger(label: "madoguchi.migrate")
        let schema = database.schema
        let applied = try await database.withDatabase(logger: logger, role: .owner, migrate: false) { db in
            try await Migrator(directory: Migrator.locateSchemaDirectory(explicit: schema)).migrate(db.client, logger: logger)
        }
        print(applied.isEmpty ? "schema is up to date" : "applied: \(applied.joined(separator: ", "))")
    }
}
