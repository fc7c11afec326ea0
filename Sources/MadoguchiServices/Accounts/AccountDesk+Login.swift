import CoreMetrics
import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import NIOPosix

/// Password sign-in with lockout (E3). A locked account stays locked until an administrator
/// unlocks it, or, when configured, until the automatic unlock time has passed. Every attempt is
/// in `login_attempt` and the audit log; too many failures from one address stop that address.
extension AccountDesk {
    public static let addressWindow: TimeInterval = 15 * 60

    /// Checks the password and, on success, starts a session: returns the outcome and the cookie
    /// token. A wrong password and an unknown login cost the same bcrypt time.
    public func signIn(login: String, password: String, userAgent: String, caller: Caller) async throws -> (LoginOutcome, String?) {
        let outcome = try await authenticate(login: login, password: password, caller: caller)
        Counter(label: "madoguchi_login_attempts_total", dimensions: [("outcome", outcome.label)], factory: audit.metrics).increment()
        guard case .success(let userID) = outcome else { return (outcome, nil) }
        let token = try await sessions.create(userID: userID, sourceAddress: caller.sourceAddress, userAgent: userAgent, on: database.client)
        return (outcome, token)
    }

    func authenticate(login: String, password: String, caller: Caller) async throws -> LoginOutcome {
        let now = clock.now()
        let recentFailures = try await attempts.failures(from: caller.sourceAddress, since: now.addingTimeInterval(-Self.addressWindow))
        if recentFailures >= configuration.maxFailedLoginsPerAddress {
            database.logger.warning("login throttled for address", metadata: ["address": "\(caller.sourceAddress)", "failures": "\(recentFailures)"])
            return .throttled
        }
        let account = try await attempts.credentials(login: login)
        // bcrypt runs on the thread pool: it is deliberately slow and must not block the event loop.
        let hasher = hasher
        let passwordMatches = try await NIOThreadPool.singleton.runIfActive {
            hasher.verify(password, against: account?.passwordHash ?? PasswordHasher.decoyHash)
        }
        guard let account else {
            try await note(login: login, userID: nil, outcome: "unknown-login", caller: caller)
            return .invalidCredentials
        }
        if let lockedAt = account.lockedAt {
            if let minutes = configuration.autoUnlockMinutes, now.timeIntervalSince(lockedAt) >= TimeInterval(minutes * 60) {
                try await database.transaction { connection in
                    try await attempts.unlock(userID: account.userID, lockedAt: lockedAt, on: connection)
                    try await audit.record(Caller.system.at(caller), "user.auto-unlock", recordType: "staff_user", recordID: String(account.userID),
                                           on: connection)
                }
            } else {
                try await note(login: login, userID: account.userID, outcome: "locked", caller: caller)
                return .locked
            }
        }
        guard account.active else {
            try await note(login: login, userID: account.userID, outcome: "inactive", caller: caller)
            return .invalidCredentials
        }
        if passwordMatches {
            // Guarded by `locked_at IS NULL`: a lock taken by a concurrent attempt wins.
            guard try await attempts.succeeded(userID: account.userID, now: now) else {
                try await note(login: login, userID: account.userID, outcome: "locked", caller: caller)
                return .locked
            }
            try await note(login: login, userID: account.userID, outcome: "success", caller: caller)
            return .success(userID: account.userID)
        }
        let (count, nowLocked) = try await attempts.failed(userID: account.userID, maxFailures: configuration.maxFailedLogins, now: now)
        try await note(login: login, userID: account.userID, outcome: "wrong-password", caller: caller)
        if nowLocked && count == configuration.maxFailedLogins {
            database.logger.warning("account locked after repeated wrong passwords", metadata: ["login": "\(login)", "failures": "\(count)"])
            var system = Caller.system.at(caller)
            system.sourceAddress = caller.sourceAddress
            try await audit.record(system, "user.lock", recordType: "staff_user", recordID: String(account.userID), detail: "\(count)回連続でパスワード誤り")
        }
        return nowLocked ? .locked : .invalidCredentials
    }

    /// Records the attempt in `login_attempt` and in the audit log. What was typed as a login is
    /// kept (truncated) to investigate attacks, unless it looks like an individual number, which
    /// must never be stored.
    func note(login typed: String, userID: Int64?, outcome: String, caller: Caller) async throws {
        let login = IndividualNumber.appears(in: typed) ? "(masked)" : String(typed.prefix(64))
        try await database.transaction { connection in
            try await attempts.record(login: login, userID: userID, outcome: outcome, address: caller.sourceAddress, now: clock.now(), on: connection)
            let actor = Caller(site: caller.site, identity: userID.map { StaffIdentity(userID: $0, login: login, displayName: login, permissions: []) },
                               sourceAddress: caller.sourceAddress, requestID: caller.requestID).named(login)
            try await audit.record(actor, "session.login", recordType: "staff_user", recordID: userID.map(String.init) ?? "",
                                   result: outcome == "success" ? .success : .failure, detail: outcome, on: connection)
        }
    }
}
