import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// The mails about a card (#16), queued on the caller's connection: "your card is ready" when a
/// card reaches 交付通知済 (in the stage move's transaction) and the renewal invitation. Only to an
/// application with an agreement in force; each mail carries a signed link that withdraws it.
struct CardNotices: Sendable {
    let outbox: MailOutboxStore
    let consents: ContactConsentStore
    let composer: CardMail
    let templates: MailTemplateStore
    let secrets: AppSecrets
    let residentSiteURL: String
    let clock: any TimeSource

    /// Queues "your card is ready" for `entry` when its applicant agreed to be written to.
    func cardReady(_ entry: LedgerEntry, on connection: PostgresConnection) async throws {
        guard let consent = try await consents.active(applicationID: entry.applicationID, on: connection) else { return }
        let mail = composer.cardReady(name: Self.name(entry, consent), recipient: consent.email, ledgerEntryID: entry.id,
                                      unsubscribeURL: stopURL(consentID: consent.id), wording: try await templates.wording(.cardReady, .ja, on: connection))
        try await outbox.enqueue(mail, now: clock.now(), on: connection)
    }

    func renewalInvitation(_ entry: LedgerEntry, consent: ContactConsent, basis: RenewalBasis, on connection: PostgresConnection) async throws {
        let mail = composer.renewalInvitation(name: Self.name(entry, consent), recipient: consent.email, ledgerEntryID: entry.id, basis: basis,
                                              unsubscribeURL: stopURL(consentID: consent.id),
                                              wording: try await templates.wording(.renewalInvitation, .ja, on: connection))
        try await outbox.enqueue(mail, now: clock.now(), on: connection)
    }

    /// The name goes into a mail only when staff took the address at the counter: an address
    /// typed into the booking form beside an application ID has not been checked against the
    /// person, so that mail greets "the applicant" and reveals nothing but that a card is ready.
    static func name(_ entry: LedgerEntry, _ consent: ContactConsent) -> String {
        consent.source == .intake ? entry.name : ""
    }

    /// The resident site's page that withdraws agreement `consentID`; nil when the site's address
    /// is not configured (the mail then says to tell the office).
    func stopURL(consentID: Int64) -> String? {
        guard !residentSiteURL.isEmpty else { return nil }
        let base = residentSiteURL.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return "\(base)/mail/stop?c=\(consentID)&t=\(stopToken(consentID: consentID))"
    }

    /// A keyed MAC of the agreement's number: the link cannot be made for another agreement.
    func stopToken(consentID: Int64) -> String { secrets.lookupHash("contact-consent-stop:\(consentID)") }

    func validStopToken(_ token: String, consentID: Int64) -> Bool {
        SecureToken.constantTimeEquals(stopToken(consentID: consentID), token)
    }
}
