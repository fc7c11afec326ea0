import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// Agreements to be mailed about one's card (#16): staff record one at the counter with the
/// person's spoken or written agreement, list and withdraw them; the resident withdraws one from
/// the link in any card mail. Every view (addresses are personal data) and change is audited.
public struct ContactDesk: Sendable {
    let consents: ContactConsentStore
    let notices: CardNotices
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource

    /// Records an address for an application at the counter; one already in force is replaced.
    @discardableResult
    public func record(applicationID text: String, email text2: String, agreed: Bool, caller: Caller) async throws -> Int64 {
        var problems: [FieldProblem] = []
        let id = ApplicationID(text)
        if id == nil { problems.append(FieldProblem(field: "applicationId", message: ApplicationID.invalidMessage)) }
        let email = ContactConsent.cleanAddress(text2)
        if email == nil { problems.append(FieldProblem(field: "email", message: "メールアドレスの形式が正しくありません。")) }
        if !agreed {
            problems.append(FieldProblem(field: "agreed", message: "本人の同意を確認したら「本人の同意を得た」にチェックしてください。"))
        }
        guard problems.isEmpty, let id, let email else { throw InvalidInput(problems) }
        return try await database.transaction { connection in
            let saved = try await consents.record(applicationID: id.digits, email: email, source: .intake, userID: caller.userID,
                                                  now: clock.now(), on: connection)
            try await audit.record(caller, "contact-consent.record", recordType: "contact_consent", recordID: String(saved),
                                   detail: "application=\(id.digits) source=intake", on: connection)
            return saved
        }
    }

    /// The newest agreements for the staff page.
    public func recent(caller: Caller) async throws -> [ContactConsent] {
        let list = try await consents.recent(limit: 200)
        try await audit.record(caller, "contact-consent.list", recordType: "contact_consent", detail: "件数=\(list.count)")
        return list
    }

    /// Staff withdraw an agreement (the person asked at the counter or by phone).
    public func withdraw(id: Int64, caller: Caller) async throws -> Bool {
        try await database.transaction { connection in
            guard try await consents.withdraw(id: id, by: .staff, now: clock.now(), on: connection) else { return false }
            try await audit.record(caller, "contact-consent.withdraw", recordType: "contact_consent", recordID: String(id), detail: "by=staff",
                                   on: connection)
            return true
        }
    }

    /// Whether `token` is the signed link for agreement `id` (the stop page shows its button only then).
    public func validStopLink(consentID: Int64?, token: String) -> Bool {
        guard let consentID else { return false }
        return notices.validStopToken(token, consentID: consentID)
    }

    /// The resident's stop link: withdraws the agreement when the link is genuine. The answer is
    /// the same whether it was in force or already withdrawn, so the page reveals nothing.
    public func stop(consentID: Int64?, token: String, caller: Caller) async throws -> Bool {
        guard let consentID, notices.validStopToken(token, consentID: consentID) else {
            try await audit.record(caller, "contact-consent.stop", recordType: "contact_consent", result: .failure, detail: "bad-link")
            return false
        }
        try await database.transaction { connection in
            let withdrawn = try await consents.withdraw(id: consentID, by: .resident, now: clock.now(), on: connection)
            try await audit.record(caller, "contact-consent.stop", recordType: "contact_consent", recordID: String(consentID),
                                   detail: withdrawn ? "by=resident" : "already-withdrawn", on: connection)
        }
        return true
    }
}
