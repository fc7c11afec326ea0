import Foundation
import HummingbirdTesting
import Logging
import MadoguchiDomain
import MadoguchiMail
import MadoguchiServices
import MadoguchiSites
import MadoguchiTestSupport
import Testing

/// Mail to residents (#16): the outbox filled in the booking's transaction, the worker sending
/// through a real SMTP server (aiosmtpd) with STARTTLS and AUTH, retries and refusals.
@Suite("Mail to residents: outbox, SMTP, retries")
struct MailOutboxTests {
    static let logger = Logger(label: "test")

    static func book(_ resident: any TestClientProtocol, _ day: BookableDay, _ n: Int, email: String, slot: Int = 0) async throws -> Browser.Page {
        var body = People.json(n, slot: day.slotIDs[slot])
        body["email"] = email
        var api = Browser(resident)
        return try await api.json("/api/v1/public/bookings", method: .post, body)
    }

    static func outboxCount(_ site: SiteHarness) async throws -> Int {
        try await site.stores.database.client.first("SELECT count(*) FROM mail_outbox", as: (Int).self, logger: site.stores.logger) ?? -1
    }

    @Test("SMTP with STARTTLS and AUTH: a Japanese subject, a body line beginning with a dot kept, a 550 and a 451 answered per message")
    func smtpClient() async throws {
        // setup
        let server = try await TestSMTP.start(tls: true, auth: "relay:s3cret pass")
        defer { server.stop() }
        let settings = try SMTPSettings(url: "smtp://relay:s3cret%20pass@localhost:\(server.port)", trustRootsFile: server.certificate)
        func message(_ to: String) -> MailMessage {
            MailMessage(from: "madoguchi@city.example.lg.jp", to: to, subject: "【西東京市】予約を受け付けました（髙﨑様）", body: "一行目\n.で始まる行\n終わり",
                        messageID: "\(UUID().uuidString)@city.example.lg.jp", date: Date())
        }
        // act
        let results = await SMTPClient(settings: settings).send([message("a@example.jp"), message("reject@example.jp"), message("tempfail-9@example.jp"),
                                                                 message("b@example.jp")], envelopeFrom: "madoguchi@city.example.lg.jp")
        let received = try server.messages()
        // check
        #expect(results[0] == nil && results[3] == nil)
        #expect(results[1]?.isPermanent == true && results[1]?.description.hasPrefix("550") == true)
        #expect(results[2]?.isPermanent == false && results[2]?.description.hasPrefix("451") == true)
        #expect(received.count == 2)
        let first = try #require(received.first)
        #expect(first.contains("X-TLS: yes") && first.contains("X-Auth: yes"))
        #expect(first.contains("Subject: =?UTF-8?B?") && first.contains("Message-ID: <") && first.contains("Content-Type: text/plain; charset=UTF-8"))
        #expect(TestSMTP.body(of: first) == "一行目\r\n.で始まる行\r\n終わり")
        #expect(Self.subject(of: first) == "【西東京市】予約を受け付けました（髙﨑様）")
    }

    @Test("a booking with an address gets exactly one confirmation with its code; a refused booking none; a move and a cancel one notice each")
    func bookingMails() async throws {
        let server = try await TestSMTP.start()
        defer { server.stop() }
        try await SiteHarness.run(configure: { $0.service.smtpURL = "smtp://localhost:\(server.port)?starttls=off" }) { site, _, resident in
            // setup
            let day = try await BookableDay.make(site, web: 1, staff: 0)
            // act: one booking, then one into the full slot (refused: its transaction rolls back)
            let made = try await Self.book(resident, day, 1, email: "taro@example.jp")
            let refused = try await Self.book(resident, day, 2, email: "hanako@example.jp")
            let queued = try await Self.outboxCount(site)
            let sent = try await site.desks.mail.deliverDue(logger: Self.logger)
            let code = try #require(made.json["code"] as? String, "\(made.body)")
            let booking = try #require(try await site.desks.booking.find(code: code))
            let moved = try await site.desks.booking.move(booking, to: day.slotIDs[1], caller: .command("test"))
            try await site.desks.booking.cancel(moved, caller: .command("test"))
            let later = try await site.desks.mail.deliverDue(logger: Self.logger)
            // check
            #expect(made.status == .created && refused.status == .conflict)
            // The confirmation and its reminder (due two days later) were queued; only the first went.
            #expect(queued == 2 && sent == 1 && later == 2)
            let received = try server.messages()
            #expect(received.count == 3)
            let bodies = received.map(TestSMTP.body(of:))
            #expect(bodies[0].contains("予約番号: \(code)") && bodies[0].contains("お持ちいただくもの") && bodies[0].contains("住民　1 様"))
            #expect(received[0].contains("X-Envelope-To: taro@example.jp"))
            #expect(bodies[1].contains("日時を変更しました") && bodies[2].contains("取り消しました"))
            #expect(!received.joined().contains("hanako"))
            let log = try await site.desks.mail.deliveries(bookingID: booking.id)
            // Each change withdrew the reminder that was waiting: no reminder for a time that was given up.
            #expect(log.map(\.kind) == ["booking-confirmation", "booking-reminder", "booking-moved", "booking-reminder", "booking-cancelled"])
            #expect(log.map(\.status) == ["sent", "withdrawn", "sent", "withdrawn", "sent"])
        }
    }

    @Test("a relay answering 451 is retried later and delivers; 550 is not retried and stops mail to that address; no relay, nothing sent")
    func retriesAndRefusals() async throws {
        let server = try await TestSMTP.start()
        defer { server.stop() }
        try await SiteHarness.run(configure: { $0.service.smtpURL = "smtp://localhost:\(server.port)?starttls=off" }) { site, _, resident in
            // setup
            let day = try await BookableDay.make(site, web: 5, staff: 0)
            _ = try await Self.book(resident, day, 1, email: "tempfail-1@example.jp")
            _ = try await Self.book(resident, day, 2, email: "reject@example.jp")
            // act
            let first = try await site.desks.mail.deliverDue(logger: Self.logger)
            let tooSoon = try await site.desks.mail.deliverDue(logger: Self.logger)
            site.clock.advance(by: 61)
            let retried = try await site.desks.mail.deliverDue(logger: Self.logger)
            _ = try await Self.book(resident, day, 3, email: "Reject@example.jp")
            site.clock.advance(by: 3600)
            let afterRefusal = try await site.desks.mail.deliverDue(logger: Self.logger)
            // check
            #expect(first == 0 && tooSoon == 0 && retried == 1 && afterRefusal == 0)
            #expect(try server.messages().count == 1)
            let rows = try await site.stores.database.client.all("SELECT recipient, status, attempts FROM mail_outbox WHERE kind = 'booking-confirmation' ORDER BY id",
                                                                as: (String, String, Int).self, logger: site.stores.logger)
            #expect(rows.map(\.1) == ["sent", "failed", "suppressed"])
            #expect(rows[0].2 == 2 && rows[1].2 == 1)
        }
    }

    @Test("a relay that offers no STARTTLS gets nothing: the mail waits, no address is blamed")
    func noStartTLS() async throws {
        let server = try await TestSMTP.start()
        defer { server.stop() }
        try await SiteHarness.run(configure: { $0.service.smtpURL = "smtp://localhost:\(server.port)" }) { site, _, resident in
            // setup
            let day = try await BookableDay.make(site, web: 2, staff: 0)
            _ = try await Self.book(resident, day, 1, email: "taro@example.jp")
            // act
            let sent = try await site.desks.mail.deliverDue(logger: Self.logger)
            // check
            let received = try server.messages()
            #expect(sent == 0 && received.isEmpty)
            let row = try await site.stores.database.client.first("SELECT status, last_error FROM mail_outbox WHERE kind = 'booking-confirmation'", as: (String, String?).self,
                                                                 logger: site.stores.logger)
            #expect(row?.0 == "pending" && row?.1?.contains("STARTTLS") == true)
            let suppressed = try await site.stores.database.client.first("SELECT count(*) FROM mail_suppression", as: (Int).self, logger: site.stores.logger)
            #expect(suppressed == 0)
        }
    }

    @Test("two instances sending at once deliver each message exactly once")
    func twoInstances() async throws {
        let server = try await TestSMTP.start()
        defer { server.stop() }
        try await SiteHarness.run(configure: { $0.service.smtpURL = "smtp://localhost:\(server.port)?starttls=off" }) { site, _, resident in
            // setup: 12 bookings with addresses, and a second instance's desks (as a second `serve` builds them)
            let day = try await BookableDay.make(site, web: 12, staff: 0, slotCount: 1)
            for n in 1...12 { _ = try await Self.book(resident, day, n, email: "person\(n)@example.jp") }
            var configuration = ServiceConfiguration()
            configuration.smtpURL = "smtp://localhost:\(server.port)?starttls=off"
            let other = try Desks(configuration: configuration, database: site.staffDatabase,
                                  blobs: site.stores.blobs, secrets: SiteHarness.secrets, clock: site.clock, metrics: SiteMetrics().factory)
            // act: both send in rounds of 3 at the same time
            async let a = Self.drain(site.desks.mail)
            async let b = Self.drain(other.mail)
            let (sentA, sentB) = try await (a, b)
            // check
            let received = try server.messages()
            let recipients = received.compactMap { $0.split(separator: "\r\n").first { $0.hasPrefix("X-Envelope-To: ") }?.dropFirst(15) }
            #expect(sentA + sentB == 12 && received.count == 12)
            #expect(Set(recipients).count == 12)
        }
    }

    /// The Subject header decoded from its RFC 2047 words (folded lines joined).
    static func subject(of message: String) -> String {
        let lines = message.components(separatedBy: "\r\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Subject: ") }) else { return "" }
        var words = [String(lines[start].dropFirst(9))]
        var next = start + 1
        while next < lines.count, lines[next].hasPrefix(" ") { words.append(lines[next].trimmingCharacters(in: .whitespaces)); next += 1 }
        return words.map { word -> String in
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="), let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return word }
            return String(decoding: data, as: UTF8.self)
        }.joined()
    }

    static func drain(_ mail: MailDesk) async throws -> Int {
        var total = 0
        for _ in 0..<10 { total += try await mail.deliverDue(limit: 3, logger: logger) }
        return total
    }
}
