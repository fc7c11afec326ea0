import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// Administrators' wording of the mails (#16): each kind's subject and opening, per language,
/// shown as it is in force, previewed as a whole mail with a sample booking before it is saved,
/// saved or put back to the standard text. Changes are audited.
public struct MailTemplateDesk: Sendable {
    let templates: MailTemplateStore
    let bookingMail: BookingMail
    let cardMail: CardMail
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource

    public struct Entry: Sendable {
        public let kind: OutgoingMail.Kind
        public let language: BookingLanguage
        public let wording: MailWording
        /// When an administrator last changed it; nil: the standard text.
        public let editedAt: Date?
    }

    public func list() async throws -> [Entry] {
        let edited = try await templates.all()
        return MailWording.editable.map { kind, language in
            let found = edited["\(kind.rawValue)/\(language.rawValue)"]
            return Entry(kind: kind, language: language, wording: found?.wording ?? MailWording.standard(kind, language), editedAt: found?.updatedAt)
        }
    }

    public func entry(_ kind: OutgoingMail.Kind, _ language: BookingLanguage) async throws -> Entry {
        guard MailWording.isEditable(kind, language) else { throw InvalidInput([FieldProblem(field: "kind", message: "この種類のメールは編集できません。")]) }
        let found = try await templates.wording(kind, language)
        return Entry(kind: kind, language: language, wording: found ?? MailWording.standard(kind, language), editedAt: nil)
    }

    /// The whole mail `wording` would give, written for a sample booking or card (nothing real).
    public func preview(_ kind: OutgoingMail.Kind, _ language: BookingLanguage, _ wording: MailWording) throws -> OutgoingMail {
        let problems = wording.problems(kind)
        guard MailWording.isEditable(kind, language), problems.isEmpty else { throw InvalidInput(problems) }
        let sampleStop = "https://予約サイト/mail/stop?c=1&t=…"
        switch kind {
        case .cardReady:
            return cardMail.cardReady(name: "見本 花子", recipient: "sample@example.jp", ledgerEntryID: 0, unsubscribeURL: sampleStop, wording: wording)
        case .renewalInvitation:
            return cardMail.renewalInvitation(name: "見本 花子", recipient: "sample@example.jp", ledgerEntryID: 0, basis: .certificate,
                                              unsubscribeURL: sampleStop, wording: wording)
        default:
            return bookingMail.mail(kind, Self.sample(language: language, now: clock.now()), wording: wording)!
        }
    }

    public func save(_ kind: OutgoingMail.Kind, _ language: BookingLanguage, _ wording: MailWording, caller: Caller) async throws {
        let problems = wording.problems(kind)
        guard MailWording.isEditable(kind, language), problems.isEmpty else { throw InvalidInput(problems) }
        let clean = MailWording(subject: wording.subject.trimmingCharacters(in: .whitespaces), lead: wording.lead.trimmingCharacters(in: .whitespacesAndNewlines))
        try await database.transaction { connection in
            try await templates.save(kind, language, clean, userID: caller.userID, now: clock.now(), on: connection)
            try await audit.record(caller, "mail-template.save", recordType: "mail_template", recordID: "\(kind.rawValue)/\(language.rawValue)", on: connection)
        }
    }

    public func reset(_ kind: OutgoingMail.Kind, _ language: BookingLanguage, caller: Caller) async throws {
        try await database.transaction { connection in
            if try await templates.reset(kind, language, on: connection) {
                try await audit.record(caller, "mail-template.reset", recordType: "mail_template", recordID: "\(kind.rawValue)/\(language.rawValue)",
                                       on: connection)
            }
        }
    }

    /// A booking three days ahead at 10:00 for 見本 花子, for previews only.
    static func sample(language: BookingLanguage, now: Date) -> Booking {
        let day = CalendarDate(now).adding(days: 3)!
        let starts = JapaneseDate.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 10))!
        let input = BookingInput(familyName: "見本", givenName: "花子", familyKana: "ミホン", givenKana: "ハナコ", birthDate: "1980-04-01",
                                 phone: "0424641311", email: "sample@example.jp")
        return Booking(id: 0, code: "SAMPLE0000", slotID: 0, locationID: 0, locationName: "市民課 窓口（見本）", purpose: .application, day: day,
                       startsAt: starts, endsAt: starts.addingTimeInterval(1800), seat: "web", channel: .web, status: .booked, input: input,
                       language: language, duplicateOverride: false, createdAt: now, version: 1)
    }
}
