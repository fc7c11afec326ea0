import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging

/// The second factor of staff sign-in (#13, ASVS 6.3.3): TOTP codes from an authenticator app,
/// or one of ten recovery codes. A code is accepted once (the time step is taken atomically);
/// wrong codes count toward the same lockout as wrong passwords (E3). Passing the second factor
/// replaces the half-signed-in session with a new full one (a new cookie value).
extension AccountDesk {
    public static let issuer = "窓口 Madoguchi"

    public enum SecondFactor: Sendable, Equatable {
        /// Signed in: the new session's cookie token.
        case signedIn(token: String)
        case wrongCode
        case locked
    }

    /// Checks a code typed at the second step of sign-in.
    public func verifySecondFactor(_ typed: String, session: StaffSession, userAgent: String, caller: Caller) async throws -> SecondFactor {
        let identity = session.identity
        guard session.stage == .mfa else { return .wrongCode }
        let state = try await mfa.state(userID: identity.userID)
        var accepted: String?
        if RecoveryCodes.looksLikeRecoveryCode(typed) {
            if try await mfa.consumeRecoveryCode(userID: identity.userID, hash: RecoveryCodes.digest(typed), now: clock.now()) {
                accepted = "recovery-code"
            }
        } else if let sealed = state.secret {
            let totp = TOTP(secret: try secrets.openMFASecret(sealed, userID: identity.userID))
            if let step = totp.acceptedStep(for: typed, at: clock.now(), after: state.lastStep),
               try await mfa.accept(userID: identity.userID, step: step) {
                accepted = "mfa-success"
            }
        }
        guard let accepted else {
            try await countFailure(login: identity.login, userID: identity.userID, outcome: "wrong-code", caller: caller)
            if try await attempts.isLocked(userID: identity.userID) {
                try await sessions.delete(tokenHash: session.tokenHash)
                return .locked
            }
            return .wrongCode
        }
        try await note(login: identity.login, userID: identity.userID, outcome: accepted, caller: caller)
        return .signedIn(token: try await promote(session, caller: caller, userAgent: userAgent))
    }

    /// A new full session in place of a half-signed-in one.
    func promote(_ session: StaffSession, caller: Caller, userAgent: String) async throws -> String {
        try await sessions.delete(tokenHash: session.tokenHash)
        return try await sessions.create(userID: session.identity.userID, stage: .full, sourceAddress: caller.sourceAddress,
                                         userAgent: userAgent, on: database.client)
    }

    /// What the enrolment page shows: the key as text and as a QR code for the authenticator app.
    public struct Enrolment: Sendable {
        public let secret: String
        public let uri: String
        public let qrSVG: String
    }

    /// Starts (or continues) enrolment: a new secret waits, sealed, until a first code confirms it.
    public func beginEnrolment(_ identity: StaffIdentity) async throws -> Enrolment {
        let state = try await mfa.state(userID: identity.userID)
        let secret: [UInt8]
        if let pending = state.pendingSecret, let opened = try? secrets.openMFASecret(pending, userID: identity.userID) {
            secret = opened
        } else {
            secret = TOTP.newSecret()
            try await mfa.setPending(userID: identity.userID, sealedSecret: try secrets.sealMFASecret(secret, userID: identity.userID))
        }
        let totp = TOTP(secret: secret)
        let uri = totp.provisioningURI(issuer: Self.issuer, account: identity.login)
        let grouped = stride(from: 0, to: Base32.encode(secret).count, by: 4).map { start -> String in
            let text = Base32.encode(secret)
            let from = text.index(text.startIndex, offsetBy: start)
            return String(text[from..<(text.index(from, offsetBy: 4, limitedBy: text.endIndex) ?? text.endIndex)])
        }.joined(separator: " ")
        return Enrolment(secret: grouped, uri: uri, qrSVG: try QRCode(uri).svg(pixelsPerModule: 5, label: "認証アプリ登録用のQRコード"))
    }

    /// Confirms enrolment with the first code from the app: the secret becomes the account's, ten
    /// recovery codes are made (returned once), and the session becomes a new full one. Nil when
    /// the code is wrong (counted toward the lockout).
    public func confirmEnrolment(_ typed: String, session: StaffSession, userAgent: String,
                                 caller: Caller) async throws -> (token: String, recoveryCodes: [String])? {
        let identity = session.identity
        let state = try await mfa.state(userID: identity.userID)
        guard let pending = state.pendingSecret, let secret = try? secrets.openMFASecret(pending, userID: identity.userID),
              let step = TOTP(secret: secret).acceptedStep(for: typed, at: clock.now(), after: nil) else {
            try await countFailure(login: identity.login, userID: identity.userID, outcome: "wrong-code", caller: caller)
            return nil
        }
        let codes = RecoveryCodes.generate()
        try await database.transaction { connection in
            try await mfa.confirm(userID: identity.userID, step: step, recoveryCodeHashes: codes.map(RecoveryCodes.digest), now: clock.now(),
                                  on: connection)
            try await audit.record(caller, "user.mfa-enrol", recordType: "staff_user", recordID: String(identity.userID), on: connection)
        }
        return (try await promote(session, caller: caller, userAgent: userAgent), codes)
    }

    /// Whether the account has a second factor and how many recovery codes are left.
    public func secondFactorState(userID: Int64) async throws -> StaffMFAStore.State { try await mfa.state(userID: userID) }

    /// Which of these accounts have a second factor (the administrators' user list).
    public func enrolledInMFA(_ userIDs: [Int64]) async throws -> Set<Int64> { try await mfa.enrolled(userIDs: userIDs) }

    /// New recovery codes in place of the old ones; needs a current TOTP code. Nil for a wrong code.
    public func regenerateRecoveryCodes(_ typed: String, identity: StaffIdentity, caller: Caller) async throws -> [String]? {
        let state = try await mfa.state(userID: identity.userID)
        guard let sealed = state.secret,
              let step = TOTP(secret: try secrets.openMFASecret(sealed, userID: identity.userID))
                .acceptedStep(for: typed, at: clock.now(), after: state.lastStep),
              try await mfa.accept(userID: identity.userID, step: step) else {
            try await countFailure(login: identity.login, userID: identity.userID, outcome: "wrong-code", caller: caller)
            return nil
        }
        let codes = RecoveryCodes.generate()
        try await database.transaction { connection in
            try await mfa.replaceRecoveryCodes(userID: identity.userID, hashes: codes.map(RecoveryCodes.digest), on: connection)
            try await audit.record(caller, "user.mfa-recovery-codes", recordType: "staff_user", recordID: String(identity.userID), on: connection)
        }
        return codes
    }

    /// An administrator's reset (a lost phone): the second factor and recovery codes are removed
    /// and the account's sessions end; at the next sign-in the owner enrols again.
    public func resetSecondFactor(_ user: StaffUser, caller: Caller) async throws {
        try await database.transaction { connection in
            try await mfa.reset(userID: user.id, on: connection)
            try await audit.record(caller, "user.mfa-reset", recordType: "staff_user", recordID: String(user.id), on: connection)
        }
    }
}
