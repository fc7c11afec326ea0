import ArgumentParser
import Foundation
import Logging
import MadoguchiDatabase
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
            let token = try await database.withDatabase(logger: Logger(label: "madoguchi.token")) { db in
                guard let user = try await StaffUserStore(database: db).find(login: login), user.active else {
                    throw ValidationFailure("no active user \(login)")
                }
                let expires = expiresDays.map { Date().addingTimeInterval(TimeInterval($0) * 86_400) }
                return try await db.transaction { connection in
                    let (id, token) = try await ApiTokenStore(database: db, clock: SystemTimeSource())
                        .create(userID: user.id, name: name, expiresAt: expires, on: connection)
                    try await AuditLog(database: db).record(
                        .commandLine(action: "token.create", recordType: "api_token", recordID: String(id),
                                     detail: "user=\(login) name=\(name)"), on: connection)
                    return token
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
            let tokens = try await database.withDatabase(logger: Logger(label: "madoguchi.token")) { db in
                try await ApiTokenStore(database: db, clock: SystemTimeSource()).list()
            }
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
            let revoked = try await database.withDatabase(logger: Logger(label: "madoguchi.token")) { db in
                try await db.transaction { connection in
                    let done = try await ApiTokenStore(database: db, clock: SystemTimeSource()).revoke(id: id, on: connection)
                    if done {
                        try await AuditLog(database: db).record(
                            .commandLine(action: "token.revoke", recordType: "api_token", recordID: String(id)), on: connection)
                    }
                    return done
                }
            }
            guard revoked else { throw ValidationFailure("no active token \(id)") }
            print("revoked token \(id)")
        }
    }
}
