import ArgumentParser
import Foundation
import Logging
import MadoguchiDomain
import MadoguchiServices

/// `madoguchi user …`: staff accounts from the command line (E1), through the same desk as the
/// administration pages (same checks, same audit rows, with the OS account as the actor).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage staff accounts.",
        subcommands: [Create.self, List.self, Unlock.self, ResetPassword.self, Disable.self, MFA.self])

    /// Reads a password from standard input (first line), so it never appears in `ps` or shell history.
    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationFailure("no password on standard input")
        }
        return line
    }

    /// Finds `login`, then runs `change` with the desks.
    static func changeUser(_ options: DatabaseOptions, login: String,
                           _ change: @escaping @Sendable (AccountDesk, StaffUser) async throws -> Void) async throws {
        try await options.withDesks(logger: Logger(label: "madoguchi.user")) { desks in
            guard let user = try await desks.accounts.user(login: login) else { throw ValidationFailure("no user \(login)") }
            do {
                try await change(desks.accounts, user)
            } catch let refused as AccountDesk.Refused {
                throw ValidationFailure(refused.messages.joined(separator: " "))
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a staff account.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Login name (a-z, 0-9, . _ -).") var login: String
        @Option(help: "Role (repeatable): administrator, supervisor, clerk, viewer.") var role: [String]
        @Option(name: .customLong("display-name"), help: "Name shown in the UI (default: the login).") var displayName: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.") var passwordStdin = false
        @Flag(name: .customLong("must-change"), help: "Require a new password at first login.") var mustChange = false

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            guard passwordStdin else { throw ValidationError("pass the password on standard input with --password-stdin") }
            let password = try UserCommand.readPassword()
            let (login, roles, name, mustChange) = (login, role, displayName ?? login, mustChange)
            let id = try await database.withDesks(logger: Logger(label: "madoguchi.user")) { desks in
                do {
                    return try await desks.accounts.createUser(login: login, displayName: name, password: password, roles: roles,
                                                               mustChange: mustChange, caller: .command()).id
                } catch let refused as AccountDesk.Refused {
                    throw ValidationFailure(refused.messages.joined(separator: " "))
                } catch let error as StaffUserError {
                    throw ValidationFailure(error.description)
                }
            }
            print("created user \(login) (id \(id)) with roles \(roles.joined(separator: ", "))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff accounts.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            let users = try await database.withDesks(logger: Logger(label: "madoguchi.user")) { desks in
                try await desks.accounts.allUsers()
            }
            for user in users {
                let state = !user.active ? "inactive" : user.isLocked ? "LOCKED" : "active"
                print("\(user.id)\t\(user.login)\t\(state)\t\(user.roles.joined(separator: ","))\t\(user.displayName)")
            }
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unlock an account locked by wrong passwords.")
        @OptionGroup var database: DatabaseOptions
        @Option var login: String

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            try await UserCommand.changeUser(database, login: login) { accounts, user in try await accounts.unlock(user, caller: .command()) }
            print("unlocked \(login)")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password", abstract: "Set a new password (read from standard input); the user must change it at next login.")
        @OptionGroup var database: DatabaseOptions
        @Option var login: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.") var passwordStdin = false

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            guard passwordStdin else { throw ValidationError("pass the password on standard input with --password-stdin") }
            let password = try UserCommand.readPassword()
            try await UserCommand.changeUser(database, login: login) { accounts, user in
                _ = try await accounts.resetPassword(user, to: password, unlock: true, caller: .command())
            }
            print("password of \(login) reset; it must be changed at next login")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account (ends its sessions and API tokens).")
        @OptionGroup var database: DatabaseOptions
        @Option var login: String

        func run() async throws {
            MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
            try await UserCommand.changeUser(database, login: login) { accounts, user in
                try await accounts.updateUser(user, displayName: user.displayName, active: false, roles: user.roles, caller: .command())
            }
            print("disabled \(login)")
        }
    }

    /// `madoguchi user mfa reset --login L`: the administrator's remedy for a lost phone.
    struct MFA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mfa", abstract: "Staff two-step sign-in (TOTP).", subcommands: [Reset.self])

        struct Reset: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove an account's second factor and recovery codes and end its sessions; it enrols again at the next sign-in.")
            @OptionGroup var database: DatabaseOptions
            @Option var login: String

            func run() async throws {
                MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
                try await UserCommand.changeUser(database, login: login) { accounts, user in
                    try await accounts.resetSecondFactor(user, caller: .command())
                }
                print("second factor of \(login) removed; it enrols again at the next sign-in")
            }
        }
    }
}
