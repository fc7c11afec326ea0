import ArgumentParser
import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// `madoguchi user …`: staff accounts from the command line (E1).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage staff accounts.",
        subcommands: [Create.self, List.self, Unlock.self, ResetPassword.self, Disable.self])

    /// Reads a password from standard input (first line), so it never appears in `ps` or shell history.
    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationFailure("no password on standard input")
        }
        return line
    }

    static func audit(_ database: Database, action: String, userID: Int64, detail: String = "",
                      on connection: PostgresConnection) async throws {
        try await AuditLog(database: database).record(
            .commandLine(action: action, recordType: "staff_user", recordID: String(userID), detail: detail), on: connection)
    }

    /// Finds `login`, then runs `change` and its audit entry in one transaction.
    static func changeUser(_ options: DatabaseOptions, login: String, action: String, detail: String = "",
                           _ change: @escaping @Sendable (StaffUserStore, StaffUser, PostgresConnection) async throws -> Void) async throws {
        try await options.withDatabase(logger: Logger(label: "madoguchi.user")) { db in
            let users = StaffUserStore(database: db)
            guard let user = try await users.find(login: login) else { throw ValidationFailure("no user \(login)") }
            try await db.transaction { connection in
                try await change(users, user, connection)
                try await audit(db, action: action, userID: user.id, detail: detail, on: connection)
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
            if let problem = PasswordPolicy().violations(password: password, login: login).first { throw ValidationFailure(problem) }
            guard login.range(of: #"^[a-z0-9][a-z0-9._-]{1,31}$"#, options: .regularExpression) != nil else {
                throw ValidationFailure("login must be 2-32 characters of a-z 0-9 . _ -")
            }
            let (login, roles, name, mustChange) = (login, role, displayName ?? login, mustChange)
            let id = try await database.withDatabase(logger: Logger(label: "madoguchi.user")) { db in
                let users = StaffUserStore(database: db)
                if try await users.find(login: login) != nil { throw ValidationFailure(StaffUserError.loginTaken(login).description) }
                let hash = PasswordHasher().hash(password)
                return try await db.transaction { connection in
                    let id = try await users.create(login: login, displayName: name, passwordHash: hash, roles: roles,
                                                    mustChangePassword: mustChange, on: connection)
                    try await UserCommand.audit(db, action: "user.create", userID: id, detail: "roles=\(roles.joined(separator: ","))",
                                                on: connection)
                    return id
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
            let users = try await database.withDatabase(logger: Logger(label: "madoguchi.user")) { db in
                try await StaffUserStore(database: db).all()
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
            try await UserCommand.changeUser(database, login: login, action: "user.unlock") { users, user, connection in
                try await users.unlock(id: user.id, on: connection)
            }
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
            if let problem = PasswordPolicy().violations(password: password, login: login).first { throw ValidationFailure(problem) }
            let hash = PasswordHasher().hash(password)
            try await UserCommand.changeUser(database, login: login, action: "user.reset-password") { users, user, connection in
                try await users.setPassword(id: user.id, hash: hash, mustChange: true, on: connection)
                try await users.unlock(id: user.id, on: connection)
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
            try await UserCommand.changeUser(database, login: login, action: "user.update", detail: "deactivated") { users, user, connection in
                try await users.update(id: user.id, displayName: user.displayName, active: false, on: connection)
            }
            print("disabled \(login)")
        }
    }
}

extension AuditEvent {
    /// An operator's action from the shell: the OS account is the actor.
    static func commandLine(action: String, recordType: String, recordID: String, detail: String = "") -> AuditEvent {
        AuditEvent(actorUserID: nil, actorLogin: "cli:\(NSUserName())", action: action, recordType: recordType,
                   recordID: recordID, sourceAddress: "cli", detail: detail)
    }
}
