import ArgumentParser
import Foundation
import Logging
import MadoguchiServices
import MadoguchiDomain

/// `madoguchi token …`: bearer tokens for integrations.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API bearer tokens for integrations.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token acting as LOGIN (printed once).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The account the token acts as; it gets that account's roles.") var login: String
        @Option(help: "What the token is for, e.g. 'scanner-tanashi-1'.") var name = "integration"
        @Option(name: .customLong("expires-days"), help: "Days until the token expires (default: no expiry).") var expiresDays: Int?

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let (login, name, expiresDays) = (login, name, expiresDays)
            let token = try await database.withDesks(logger: Logger(label: "madoguchi.token")) { desks in
                guard let user = try await desks.accounts.user(login: login), user.active else { throw ValidationFailure("no active user \(login)") }
                let expires = expiresDays.map { Date().addingTimeInterval(TimeInterval($0) * 86_400) }
                return try await desks.accounts.createToken(for: user, name: name, expiresAt: expires, caller: .command()).token
            }
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let tokens = try await database.withDesks(logger: Logger(label: "madoguchi.token")) { desks in try await desks.accounts.tokens() }
            for t in tokens {
                let state = t.revokedAt != nil ? "revoked" : (t.expiresAt.map { $0 < Date() } ?? false) ? "expired" : "active"
                print("\(t.id)\t\(t.login)\t\(t.name)\t\(state)\tcreated \(JapaneseDate.dateTime(t.createdAt))")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")
        @OptionGroup var database: DatabaseOptions
        @Argument var id: Int64

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let id = id
            let revoked = try await database.withDesks(logger: Logger(label: "madoguchi.token")) { desks in
                try await desks.accounts.revokeToken(id: id, caller: .command())
            }
            guard revoked else { throw ValidationFailure("no active token \(id)") }
            print("revoked token \(id)")
        }
    }
}
