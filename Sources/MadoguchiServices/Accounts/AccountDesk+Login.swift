import CoreMetrics
import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import NIOPosix

/// Password sign-in with lockout (E3). A locked account stays locked until an administrator
/// unlocks it, or, when configured, until the automatic unlock time has passed. Every attempt is
/// in `login_attempt` and the audit log; too many failures from one address stop that address.
/// A right password opens a session that is `full` only for accounts without a second factor;
/// otherwise it may only enter one, or enrol one (`AccountDesk+MFA`).
extension AccountDesk {
    public static let addressWindow: TimeInterval = 15 * 60

    /// The outcome of the password step, the cookie token when it opened a session, and how far
    /// that session may go.
    public struct SignIn: Sendable {
        public let outcome: LoginOutcome
        public let token: String?
        public let stage: SessionStage
    }

    var addressLimit: RateLimiter.Limit {
        RateLimiter.Limit(name: "login-addr", hits: configuration.maxFailedLoginsPerAddress, window: Self.addressWindow)
    }

    /// Checks the password and, on success, starts a session. A wrong password and an unknown
    /// login cost the same bcrypt time.
    public func signIn(login: String, password: String, userAgent: String, caller: Caller) async throws -> SignIn {
        let outcome = try await authenticate(login: login, password: password, caller: caller)
        Counter(label: "madoguchi_login_attempts_total", dimensions: [("outcome", outcome.label)], factory: audit.metrics).increment()
        guard case .success(let userID) = outcome else { return SignIn(outcome: outcome, token: nil, stage: .full) }
        let state = try await mfa.state(userID: userID)
        let roles = try await users.find(id: userID)?.roles ?? []
        let stage: SessionStage = state.enrolled ? .mfa : configuration.requiresMFA(roles: roles) ? .enrol : .full
        let token = try await sessions.create(userID: userID, stage: stage, sourceAddress: caller.sourceAddress, userAgent: userAgent,
                                              on: database.client)
        return SignIn(outcome: outcome, token: token, stage: stage)
    }

    func authenticate(login: String, password: String, caller: Caller) async throws -> LoginOutcome {
        let now = clock.now()
        // The address's attempt is counted before the password is checked, in one atomic
        // statement, so a burst of parallel guesses cannot all slip under the limit (#13); a
        // right password gives its count back.
        let addressKey = ClientAddress.limitKey(caller.sourceAddress)
        guard try await limiter.allow(addressLimit, key: addressKey, now: now) else {
            database.logger.warning("login throttled for address", metadata: ["address": "\(addressKey)"])
            try await note(login: login, userID: nil, outcome: "throttled", caller: caller)
            return .throttled
        }
        let account = try await attempts.credentials(login: login)
        // bcrypt runs on the thread pool: it is deliberately slow and must not block the event loop.
        let hasher = hasher
        let passwordMatches = try await NIOThreadPool.singleton.runIfActive {
            hasher.verify(password, against: account?.passwordHash ?? hasher.decoyHash)
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
            try await limiter.release(addressLimit, key: addressKey, now: now)
            if hasher.needsRehash(account.passwordHash) {
                // An older hash format or a lower cost: replaced now that the password is known.
                let upgraded = try await hash(password)
                try await attempts.replaceHash(userID: account.userID, from: account.passwordHash, to: upgraded)
            }
            try await note(login: login, userID: account.userID, outcome: "success", caller: caller)
            return .success(userID: account.userID)
        }
        try await countFailure(login: login, userID: account.userID, outcome: "wrong-password", caller: caller)
        let locked = try await attempts.isLocked(userID: account.userID)
        return locked ? .locked : .invalidCredentials
    }

    /// A wrong password or a wrong second-factor code: counted on the account, which locks at
    /// `maxFailedLogins` (E3); the lock is audited once.
    func countFailure(login: String, userID: Int64, outcome: String, caller: Caller) async throws {
        let (count, nowLocked) = try await attempts.failed(userID: userID, maxFailures: configuration.maxFailedLogins, now: clock.now())
        try await note(login: login, userID: userID, outcome: outcome, caller: caller)
        if nowLocked && count == configuration.maxFailedLogins {
            database.logger.warning("account locked after repeated failures", metadata: ["login": "\(login)", "failures": "\(count)"])
            var system = Caller.system.at(caller)
            system.sourceAddress = caller.sourceAddress
            try await audit.record(system, "user.lock", recordType: "staff_user", recordID: String(userID),
                                   detail: "\(count)回連続で認証に失敗（\(outcome)）")
        }
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
            let action = ["mfa-success", "wrong-code", "recovery-code"].contains(outcome) ? "session.mfa" : "session.login"
            try await audit.record(actor, action, recordType: "staff_user", recordID: userID.map(String.init) ?? "",
                                   result: ["success", "mfa-success", "recovery-code"].contains(outcome) ? .success : .failure,
                                   detail: outcome, on: connection)
        }
    }
}
