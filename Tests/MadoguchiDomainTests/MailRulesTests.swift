import Foundation
import MadoguchiDomain
import Testing

/// The rules of the resident mails that need no server (#16): when a reminder is due, what an
/// administrator's wording may hold, and the booking form's agreement box.
@Suite("Mail rules: reminder time, editable wording, agreement box")
struct MailRulesTests {
    static func tokyo(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int = 0) -> Date {
        JapaneseDate.calendar.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: min))!
    }

    @Test("MADOGUCHI_MAIL_REMINDER: the day before at 09:00 by default, at another hour, N hours before, off; nonsense refused")
    func reminderSettings() {
        // setup
        let visit = Self.tokyo(2027, 3, 1, 10, 30)  // a Monday; the day before crosses the month
        let early = Self.tokyo(2027, 2, 20, 12)
        // act
        let standard = ReminderPolicy(setting: "")?.dueAt(startsAt: visit, now: early)
        let atSeven = ReminderPolicy(setting: "day-before@19")?.dueAt(startsAt: visit, now: early)
        let hours = ReminderPolicy(setting: "3h")?.dueAt(startsAt: visit, now: early)
        let off = ReminderPolicy(setting: "off")?.dueAt(startsAt: visit, now: early)
        let late = ReminderPolicy(setting: "day-before")?.dueAt(startsAt: visit, now: Self.tokyo(2027, 2, 28, 9, 1))
        // check
        #expect(standard == Self.tokyo(2027, 2, 28, 9))
        #expect(atSeven == Self.tokyo(2027, 2, 28, 19))
        #expect(hours == Self.tokyo(2027, 3, 1, 7, 30))
        #expect(off == nil && ReminderPolicy(setting: "off") == .off)
        #expect(late == nil, "a booking made after its reminder time gets none: the confirmation just said it")
        for bad in ["day-before@24", "0h", "169h", "tomorrow", "day-before@"] { #expect(ReminderPolicy(setting: bad) == nil, "\(bad)") }
    }

    @Test("wording: placeholders are filled; an unknown placeholder, a two-line subject, an empty opening and an individual number are refused")
    func wording() {
        // setup
        let good = MailWording(subject: "【{city}】受付（{code}）", lead: "お待ちしています。")
        // act
        let filled = good.filled(["{city}": "西東京市", "{code}": "ABCD2345EF"])
        // check
        #expect(filled.subject == "【西東京市】受付（ABCD2345EF）")
        #expect(good.problems(.bookingConfirmation).isEmpty)
        #expect(good.problems(.cardReady).map(\.message).contains { $0.contains("{code} は使えません") }, "a card mail has no booking code")
        #expect(!MailWording(subject: "一行目\n二行目", lead: "x").problems(.bookingMoved).isEmpty)
        #expect(!MailWording(subject: "件名", lead: "  \n").problems(.bookingMoved).isEmpty)
        #expect(MailWording(subject: "件名", lead: "番号 1234 5678 9018").problems(.bookingMoved).map(\.message) == [IndividualNumber.refusalMessage])
        for (kind, language) in MailWording.editable { #expect(MailWording.standard(kind, language).problems(kind).isEmpty, "\(kind) \(language)") }
    }

    @Test("the agreement box needs both the address and the application ID; unticked it asks for nothing")
    func agreementBox() {
        #expect(ContactConsent.problems(wanted: true, email: "", applicationID: "20261202000000000000001", language: .ja).map(\.field) == ["cardMail"])
        #expect(ContactConsent.problems(wanted: true, email: "a@example.jp", applicationID: "", language: .en).first?.message.contains("application ID") == true)
        #expect(ContactConsent.problems(wanted: true, email: "a@example.jp", applicationID: "20261202000000000000001", language: .ja).isEmpty)
        #expect(ContactConsent.problems(wanted: false, email: "", applicationID: "", language: .ja).isEmpty)
    }
}
