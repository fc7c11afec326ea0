import Foundation
import HummingbirdTesting
import Logging
import MadoguchiDomain
import MadoguchiServices
import MadoguchiSites
import MadoguchiTestSupport
import PostgresNIO
import Testing

/// What residents are told besides the booking's own confirmation (#16): the reminder that waits
/// in the outbox until due, the notice of a withdrawn slot, "your card is ready" only with an
/// agreement in force, the stop link, and the renewal outreach.
@Suite("Mail to residents: reminders, withdrawn slots, card ready, renewal outreach")
struct MailNoticesTests {
    static let logger = Logger(label: "test")
    static let relay: @Sendable (TestSMTP) -> @Sendable (inout SiteConfiguration) -> Void = { server in
        { $0.service.smtpURL = "smtp://localhost:\(server.port)?starttls=off"; $0.service.residentSiteURL = "https://yoyaku.example.jp/" }
    }

    static func rows(_ site: SiteHarness, _ condition: String = "true") async throws -> [(kind: String, status: String, due: Date)] {
        try await site.stores.database.client.all(PostgresQuery(unsafeSQL: "SELECT kind, status, next_attempt_at FROM mail_outbox WHERE \(condition) ORDER BY id"),
                                                  as: (String, String, Date).self, logger: site.stores.logger).map { (kind: $0.0, status: $0.1, due: $0.2) }
    }

    static func ledgerEntry(_ site: SiteHarness, _ id: String, name: String, stage: String, cardExpiry: String? = nil,
                            certificateExpiry: String? = nil) async throws -> LedgerEntry {
        try await site.stores.database.client.execute("""
            INSERT INTO ledger_entry (application_id, name, kana, birth_date, stage, source, card_expiry, certificate_expiry)
            VALUES (\(id), \(name), 'シミン　タロウ', '1980-04-01', \(stage), 'staff', \(cardExpiry)::date, \(certificateExpiry)::date)
            """, logger: site.stores.logger)
        return try #require(try await site.desks.ledger.find(applicationID: id))
    }

    @Test("the reminder is queued with the booking for the day before at 09:00, waits, and goes out when due; MADOGUCHI_MAIL_REMINDER=off sends none")
    func reminder() async throws {
        let server = try await TestSMTP.start()
        defer { server.stop() }
        try await SiteHarness.run(configure: Self.relay(server)) { site, _, resident in
            // setup
            let day = try await BookableDay.make(site, web: 2, staff: 0)
            // act
            let made = try await MailOutboxTests.book(resident, day, 1, email: "taro@example.jp")
            let atOnce = try await site.desks.mail.deliverDue(logger: Self.logger)
            let queued = try await Self.rows(site)
            let due = try #require(queued.last?.due)
            site.clock.set(due.addingTimeInterval(-60))
            let early = try await site.desks.mail.deliverDue(logger: Self.logger)
            site.clock.set(due.addingTimeInterval(60))
            let onTime = try await site.desks.mail.deliverDue(logger: Self.logger)
            // check
            #expect(made.status == .created && atOnce == 1 && early == 0 && onTime == 1)
            #expect(queued.map(\.kind) == ["booking-confirmation", "booking-reminder"])
            let expected = JapaneseDate.calendar.date(from: DateComponents(year: day.day.year, month: day.day.month, day: day.day.day - 1, hour: 9))
            #expect(due == expected)
            let received = try server.messages()
            #expect(received.count == 2)
            let reminder = TestSMTP.body(of: received[1])
            #expect(reminder.contains("ご予約の日時が近づきました") && reminder.contains("予約番号: \(made.json["code"] as? String ?? "?")"))
            #expect(reminder.contains("https://yoyaku.example.jp/reservation"))
        }
        try await SiteHarness.run(configure: { $0.service.mailReminder = "off" }) { site, _, resident in
            // setup
            let day = try await BookableDay.make(site, web: 2, staff: 0)
            // act
            _ = try await MailOutboxTests.book(resident, day, 1, email: "taro@example.jp")
            // check
            #expect(try await Self.rows(site).map(\.kind) == ["booking-confirmation"])
        }
    }

    @Test("a closure over booked slots tells each booking once, withdraws its reminder, and a later replanning tells nobody again")
    func slotWithdrawn() async throws {
        let server = try await TestSMTP.start()
        defer { server.stop() }
        try await SiteHarness.run(configure: Self.relay(server)) { site, _, resident in
            // setup
            let day = try await BookableDay.make(site, web: 2, staff: 0)
            _ = try await MailOutboxTests.book(resident, day, 1, email: "taro@example.jp")
            _ = try await MailOutboxTests.book(resident, day, 2, email: "", slot: 1)
            _ = try await site.desks.mail.deliverDue(logger: Self.logger)
            // act
            _ = try await site.desks.slots.addClosure(locationID: day.locationID, from: day.day, through: day.day, reason: "停電のため臨時休業",
                                                      caller: .command("test"))
            try await site.desks.slots.planAhead()
            _ = try await site.desks.slots.slots(locationID: day.locationID, purpose: nil, from: day.day, through: day.day)
            let sent = try await site.desks.mail.deliverDue(logger: Self.logger)
            // check
            let rows = try await Self.rows(site)
            #expect(rows.map(\.kind) == ["booking-confirmation", "booking-reminder", "slot-withdrawn"])
            #expect(rows.map(\.status) == ["sent", "withdrawn", "sent"])
            #expect(sent == 1)
            let notice = TestSMTP.body(of: try #require(try server.messages().last))
            #expect(notice.contains("窓口を開けられなくなりました") || notice.contains("お受けできなくなりました"))
            #expect(!notice.contains("お持ちいただくもの"))
        }
    }

    @Test("a card reaching 交付通知済 mails only the applicant with an agreement in force, with a stop link that works once and a forged one that does not")
    func cardReady() async throws {
        let server = try await TestSMTP.start()
        defer { server.stop() }
        try await SiteHarness.run(configure: Self.relay(server)) { site, staff, resident in
            // setup: three prepared cards; an agreement for the first two taken at the counter
            let agreed = try await Self.ledgerEntry(site, "20261202000000000000401", name: "市民 太郎", stage: "prepared")
            let silent = try await Self.ledgerEntry(site, "20261202000000000000402", name: "市民 次郎", stage: "prepared")
            let stopped = try await Self.ledgerEntry(site, "20261202000000000000403", name: "市民 三郎", stage: "prepared")
            try await site.createUser("clerk", roles: ["clerk"])
            var clerk = Browser(staff)
            try await clerk.login("clerk")
            let form = try await clerk.get("/ledger/contacts")
            let unconfirmed = try await clerk.post("/ledger/contacts", [("applicationId", agreed.applicationID), ("email", "taro@example.jp")], csrf: form.csrf)
            let first = try await clerk.post("/ledger/contacts", [("applicationId", agreed.applicationID), ("email", "taro@example.jp"), ("agreed", "1")],
                                             csrf: form.csrf)
            _ = try await clerk.post("/ledger/contacts", [("applicationId", "2026 1202 0000 0000 0000 403"), ("email", "saburo@example.jp"), ("agreed", "1")],
                                     csrf: form.csrf)
            let list = try await clerk.get("/ledger/contacts")
            let third = try #require(try await site.stores.database.client.first(
                "SELECT id FROM contact_consent WHERE application_id = '20261202000000000000403'", as: (Int64).self, logger: site.stores.logger))
            _ = try await clerk.post("/ledger/contacts/\(third)/withdraw", [], csrf: list.csrf)
            // act
            for entry in [agreed, silent, stopped] { _ = try await site.desks.ledger.move(entry, to: .notified, note: "", caller: .command("test")) }
            let sent = try await site.desks.mail.deliverDue(logger: Self.logger)
            // check
            #expect(unconfirmed.status == .unprocessableContent && unconfirmed.body.contains("本人の同意"))
            #expect(first.status == .seeOther && list.body.contains("taro@example.jp"))
            #expect(sent == 1)
            let received = try server.messages()
            let mail = try #require(received.first)
            #expect(received.count == 1 && mail.contains("X-Envelope-To: taro@example.jp"))
            let body = TestSMTP.body(of: mail)
            #expect(body.contains("市民 太郎 様") && body.contains("交付の準備ができました") && body.contains("https://yoyaku.example.jp/book?purpose=pickup"))
            #expect(!body.contains(agreed.applicationID), "no application ID in the mail")
            let header = try #require(mail.components(separatedBy: "\r\n").first { $0.hasPrefix("List-Unsubscribe: <") })
            let link = String(header.dropFirst("List-Unsubscribe: <".count).dropLast())
            #expect(body.contains(link))
            let deliveries = try await site.desks.mail.deliveries(ledgerEntryID: agreed.id)
            #expect(deliveries.map(\.kind) == ["card-ready"])
            let cardPage = try await clerk.get("/ledger/entries/\(agreed.id)")
            #expect(cardPage.body.contains("カードの交付準備完了") && cardPage.body.contains("送信先: taro@example.jp") && cardPage.body.contains("送信済"))

            // act: the stop link, as the resident opens it; then a forged one
            let path = String(link.dropFirst("https://yoyaku.example.jp".count))
            var browser = Browser(resident)
            let ask = try await browser.get(path)
            let done = try await browser.post("/mail/stop", Self.query(path), csrf: ask.csrf)
            var forgedFields = Self.query(path)
            forgedFields[0].1 = String(third)
            let forged = try await browser.post("/mail/stop", forgedFields, csrf: ask.csrf)
            let forgedPage = try await browser.get("/mail/stop?c=\(third)&t=\(forgedFields[1].1)")
            // check
            #expect(ask.status == .ok && ask.body.contains("メールを停止する"))
            #expect(done.status == .ok && done.body.contains("停止しました"))
            #expect(forged.status == .notFound && forgedPage.status == .notFound && forgedPage.body.contains("このリンクは無効です"))
            let state = try await site.stores.database.client.first("SELECT withdrawn_by FROM contact_consent WHERE application_id = \(agreed.applicationID)",
                                                                   as: (String?).self, logger: site.stores.logger)
            #expect(state == "resident")
            let actions = try await site.auditActions()
            #expect(actions.contains("contact-consent.record") && actions.contains("contact-consent.withdraw") && actions.contains("contact-consent.stop"))
        }
    }

    /// `c` and `t` of a stop link.
    static func query(_ path: String) -> [(String, String)] {
        (URLComponents(string: path)?.queryItems ?? []).map { ($0.name, $0.value ?? "") }
    }

    @Test("the booking form's box records the agreement with the booking; ticked without an application ID it is refused beside its field")
    func bookingFormAgreement() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup
            let day = try await BookableDay.make(site, web: 2, staff: 0)
            var browser = Browser(resident)
            let form = try await browser.get("/book?purpose=application&location=\(day.locationID)&slot=\(day.slotIDs[0])")
            let person = ResidentBookingTests.person.filter { $0.0 != "email" } + [("email", "hanako@example.jp"), ("cardMail", "1")]
            // act
            let missing = try await browser.post("/book/confirm", [("slot", String(day.slotIDs[0]))] + person, csrf: form.csrf)
            let withID = person + [("applicationId", "20261202000000000000501")]
            let confirm = try await browser.post("/book/confirm", [("slot", String(day.slotIDs[0]))] + withID, csrf: form.csrf)
            let done = try await browser.post("/book/complete", [("slot", String(day.slotIDs[0]))] + withID, csrf: confirm.csrf)
            // check
            #expect(form.body.contains("name=\"cardMail\""))
            #expect(missing.status == .unprocessableContent && missing.body.contains("id=\"cardMail-error\""))
            #expect(confirm.status == .ok && confirm.body.contains("カードのお知らせメール"))
            #expect(done.status == .seeOther)
            let consent = try await site.stores.database.client.first(
                "SELECT application_id, email, source FROM contact_consent WHERE withdrawn_at IS NULL", as: (String, String, String).self,
                logger: site.stores.logger)
            #expect(consent?.0 == "20261202000000000000501" && consent?.1 == "hanako@example.jp" && consent?.2 == "booking")
        }
    }

    @Test("renewal outreach: counts per month, CSV with BOM, an invitation per agreement, none twice; clerks may not send it")
    func renewalOutreach() async throws {
        let server = try await TestSMTP.start()
        defer { server.stop() }
        try await SiteHarness.run(configure: Self.relay(server)) { site, staff, _ in
            // setup: four cards in residents' hands, certificates running out in two months, one outside the window
            _ = try await Self.ledgerEntry(site, "20261202000000000000601", name: "更新 一郎", stage: "handed-over", certificateExpiry: "2027-02-10")
            _ = try await Self.ledgerEntry(site, "20261202000000000000602", name: "更新 二郎", stage: "handed-over", certificateExpiry: "2027-02-20")
            _ = try await Self.ledgerEntry(site, "20261202000000000000603", name: "更新 三郎", stage: "handed-over", certificateExpiry: "2027-03-05")
            _ = try await Self.ledgerEntry(site, "20261202000000000000604", name: "更新 四郎", stage: "handed-over", certificateExpiry: "2027-06-01")
            _ = try await site.desks.contacts.record(applicationID: "20261202000000000000601", email: "ichiro@example.jp", agreed: true, caller: .command("test"))
            _ = try await site.desks.contacts.record(applicationID: "20261202000000000000604", email: "shiro@example.jp", agreed: true, caller: .command("test"))
            try await site.createUser("chief", roles: ["supervisor"])
            try await site.createUser("clerk", roles: ["clerk"])
            var chief = Browser(staff)
            try await chief.login("chief")
            var clerk = Browser(staff)
            try await clerk.login("clerk")
            let query = "basis=certificate&from=2027-02-01&through=2027-03-31"
            // act
            let page = try await chief.get("/ledger/renewals?\(query)")
            let csv = try await chief.get("/ledger/renewals.csv?\(query)")
            let refused = try await clerk.post("/ledger/renewals/invite", [("basis", "certificate"), ("from", "2027-02-01"), ("through", "2027-03-31")],
                                               csrf: try await clerk.get("/ledger/renewals?\(query)").csrf)
            let invite = try await chief.post("/ledger/renewals/invite", [("basis", "certificate"), ("from", "2027-02-01"), ("through", "2027-03-31")],
                                              csrf: page.csrf)
            let again = try await site.desks.outreach.invite(try OutreachDesk.Window.parse(basis: "certificate", from: "2027-02-01", through: "2027-03-31",
                                                                                             today: CalendarDate(site.clock.now())), caller: .command("test"))
            let sent = try await site.desks.mail.deliverDue(logger: Self.logger)
            let tooLong = try await chief.get("/ledger/renewals?basis=card&from=2027-01-01&through=2030-01-01")
            // check
            #expect(page.status == .ok && page.body.contains("合計 3 件"))
            #expect(page.body.contains("令和9年2月</td><td>2</td>") && page.body.contains("令和9年3月</td><td>1</td>"))
            #expect(!page.body.contains("更新 四郎"))
            #expect(csv.status == .ok && csv.body.hasPrefix("\u{FEFF}申請書ID,氏名"))
            #expect(csv.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 4)
            #expect(csv.body.contains("20261202000000000000601,更新 一郎") && csv.body.contains("あり"))
            #expect(refused.status == .forbidden)
            #expect(invite.status == .seeOther)
            #expect(again.queued == 0 && again.alreadyInvited == 1 && again.withoutAddress == 2)
            #expect(sent == 1)
            let mail = try #require(try server.messages().first)
            #expect(mail.contains("X-Envelope-To: ichiro@example.jp") && TestSMTP.body(of: mail).contains("電子証明書の有効期限が近づいています"))
            #expect(tooLong.status == .unprocessableContent && tooLong.body.contains("2年以内"))
            let actions = try await site.auditActions()
            #expect(actions.contains("renewal.view") && actions.contains("renewal.export") && actions.contains("renewal.invite"))
        }
    }
}
