import ArgumentParser
import Foundation
import Logging
import MadoguchiDomain
import MadoguchiServices

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
            let (name, address) = (name, address)
            let id: Int64
            do {
                id = try await database.withDesks(logger: Logger(label: "madoguchi.location")) { desks in
                    try await desks.slots.ensureLocation(name: name, address: address, caller: .command())
                }
            } catch let invalid as InvalidInput {
                throw ValidationFailure(invalid.problems.map(\.message).joined(separator: " "))
            }
            print("location \(id): \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List active locations.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let locations = try await database.withDesks(logger: Logger(label: "madoguchi.location")) { desks in try await desks.slots.locations() }
            for location in locations { print("\(location.id)\t\(location.name)\t\(location.address)") }
        }
    }
}
