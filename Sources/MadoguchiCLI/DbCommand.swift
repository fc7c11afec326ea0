import ArgumentParser
import Foundation
import Logging
import MadoguchiDatabase

/// `madoguchi db roles`: the three database roles of #13.
struct DbCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Database administration: the roles each site connects as.", subcommands: [Roles.self])

    struct Roles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set up (private cluster) or print (external server) the roles madoguchi_owner, madoguchi_staff, madoguchi_resident.",
            discussion: """
                Without --print-sql: on the private cluster, creates or updates the roles (passwords in
                <storage>/secrets/postgres-passwords) and shows what each role can reach.
                With --print-sql: prints the psql script a DBA runs as a superuser on an external server:
                  madoguchi db roles --print-sql > roles.sql
                  psql -v ON_ERROR_STOP=1 -v madoguchi_owner_password=… -v madoguchi_staff_password=… \\
                       -v madoguchi_resident_password=… -d madoguchi -f roles.sql
                then `madoguchi migrate` as madoguchi_owner applies the table privileges.
                """)
        @OptionGroup var database: DatabaseOptions
        @Flag(name: .customLong("print-sql"), help: "Print the CREATE ROLE / GRANT script instead of applying it.") var printSQL = false
        @Flag(name: .customLong("with-grants"), help: "With --print-sql: add the table privileges (needs the tables).") var withGrants = false
        @Option(name: .customLong("database"), help: "Database name for the script.") var databaseName = "madoguchi"

        func run() async throws {
            if printSQL {
                print(DatabaseRoles.script(database: databaseName, includeGrants: withGrants), terminator: "")
                return
            }
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let logger = Logger(label: "madoguchi.db")
            let server = try await database.server(logger: logger)
            defer { server.stop(logger: logger) }
            try await database.migrate(on: server, logger: logger)
            let sensitive = ["applicant", "document", "intake", "fee", "ledger_entry", "registry_person", "staff_user", "audit_log"]
            print("role\tpurpose\treadable of: \(sensitive.joined(separator: ", "))")
            for role in DatabaseRole.allCases {
                let db = try server.database(role, logger: logger)
                let readable = try await DatabaseOptions.withRunning(db) { db in
                    try await MonitoringStore(database: db).readableTables(among: sensitive)
                }
                print("\(role.name)\t\(role.purpose)\t\(readable.isEmpty ? "none" : readable.joined(separator: ", "))")
            }
        }
    }
}
