import ArgumentParser
import Foundation
import Logging
import MadoguchiDatabase

/// `madoguchi location …`: the offices with counters (庁舎・窓口) that intake, fees and bookings
/// refer to. The booking issue adds their slot rules on the staff site.
struct LocationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "location", abstract: "List or add locations (庁舎・窓口).", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a location (an existing name is kept as it is).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Name shown to staff and residents, e.g. 田無庁舎 市民課.") var name: String
        @Option(help: "Address.") var address = ""

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let (name, address) = (name.trimmingCharacters(in: .whitespaces), address)
            guard !name.isEmpty, name.count <= 100 else { throw ValidationError("--name must be 1-100 characters") }
            let id = try await database.withDatabase(logger: Logger(label: "madoguchi.location")) { db in
                try await db.transaction { connection in
                    let id = try await IntakeStore(database: db).ensureLocation(name: name, address: address, on: connection)
                    try await AuditLog(database: db).record(.commandLine(action: "location.create", recordType: "location",
                                                                         recordID: String(id), detail: name), on: connection)
                    return id
                }
            }
            print("location \(id): \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List active locations.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let locations = try await database.withDatabase(logger: Logger(label: "madoguchi.location")) { db in
                try await SlotStore(database: db).locations()
            }
            for location in locations { print("\(location.id)\t\(location.name)\t\(location.address)") }
        }
    }
}
