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
        static let configuration = CommandConfiguration(
            abstract: "Issue a token acting as LOGIN with the given scopes (printed once).",
            discussion: """
                Scopes are permissions, at most the account's own: \(Permission.allCases.map(\.rawValue).joined(separator: ", ")).
                `--scope owner` takes every permission the account has today. The token expires after
                --expires-days (default MADOGUCHI_API_TOKEN_DAYS, 90), and is revoked when its account is
                disabled or its password is reset.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The account the token acts as.") var login: String
        @Option(help: "What the token is for, e.g. 'scanner-tanashi-1'.") var name = "integration"
        @Option(name: .customLong("scope"), help: "A permission the token may use (repeatable), or `owner`.") var scopes: [String] = []
        @Option(name: .customLong("expires-days"), help: "Days until the token expires.") var expiresDays: Int?

        func validate() throws {
            guard !scopes.isEmpty else { throw ValidationError("name what the token may do with --scope (e.g. --scope documents.write)") }
            if let unknown = scopes.first(where: { $0 != "owner" && Permission(rawValue: $0) == nil }) {
                throw ValidationError("unknown scope \(unknown); scopes: \(Permission.allCases.map(\.rawValue).joined(separator: ", ")), owner")
            }
            if let days = expiresDays, !(1...3650).contains(days) { throw ValidationError("--expires-days 1-3650") }
        }

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let (login, name, expiresDays, scopes) = (login, name, expiresDays, scopes)
            let token = try await database.withDesks(logger: Logger(label: "madoguchi.token")) { desks in
                guard let user = try await desks.accounts.user(login: login), user.active else { throw ValidationFailure("no active user \(login)") }
                let expires = expiresDays.map { Date().addingTimeInterval(TimeInterval($0) * 86_400) }
                var granted = Set(scopes.compactMap(Permission.init(rawValue:)))
                if scopes.contains("owner") { granted.formUnion(try await desks.accounts.permissions(of: user)) }
                do {
                    return try await desks.accounts.createToken(for: user, name: name, scopes: granted, expiresAt: expires, caller: .command()).token
                } catch let refused as AccountDesk.Refused {
                    throw ValidationFailure(refused.messages.joined(separator: "\n"))
                }
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
