import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiProcess
import MadoguchiTestSupport
import Testing

/// ICカードから読み取る end to end (#15): the card page asks a counter terminal, the shipped
/// `madoguchi-card-agent` (its real PC/SC code) reads the virtual card through pcscd and vpcd,
/// the page shows the answer, 登録 records it, and a handover needs the card in hand to match.
@Suite("Counter card reader: card page → agent → virtual card → ledger", .serialized)
struct CardReaderFlowTests {
    static let holder = VirtualCard.Holder(name: "髙﨑　美咲", address: "東京都西東京市保谷町３丁目２番１号", birthDate: "1987-08-29", sex: "2",
                                           cardExpiry: "2036-02-29", certificateNotAfter: "2031-08-29T14:59:59Z", securityCode: "2580", pin: "7777")

    static var agentBinary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/madoguchi-card-agent").path
    }

    /// A notified card in the ledger (the name as J-LIS writes it: 高崎, not 髙﨑).
    static func entry(_ site: SiteHarness, applicationID: String, name: String, birthDate: String) async throws -> Int64 {
        let id: Int64? = try await site.stores.database.client.first("""
            INSERT INTO ledger_entry (application_id, name, kana, birth_date, sex, address, stage, source)
            VALUES (\(applicationID), \(name), 'タカサキ　ミサキ', \(birthDate)::date, 'female', '東京都西東京市保谷町三丁目2番1号', 'notified', 'staff')
            RETURNING id
            """, as: (Int64).self, logger: site.stores.logger)
        return try #require(id)
    }

    /// A clerk, and the counter terminal's account (role card-terminal) with its token.
    static func accounts(_ site: SiteHarness) async throws -> String {
        try await site.createUser("clerk", roles: ["clerk"])
        let terminalID = try await site.createUser("counter1", roles: ["card-terminal"], mfa: false)
        return try await site.stores.tokens.create(userID: terminalID, name: "counter-1", scopes: [.cardTerminal], expiresAt: nil,
                                                   on: site.stores.database.client).token
    }

    /// A folder for the agent's token file and log (the caller removes it).
    static func agentFolder() throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("agent-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The agent as a counter terminal runs it, on the staff site's real socket; returns its
    /// process and the file its JSON log goes to.
    static func startAgent(_ site: SiteHarness, token: String, folder: URL) async throws -> (ChildProcess, URL) {
        let tokenFile = folder.appendingPathComponent("token")
        try Data(token.utf8).write(to: tokenFile)
        let log = folder.appendingPathComponent("agent.log")
        let agent = try ChildProcess([agentBinary, "--server", "http://127.0.0.1:\(site.livePort!)", "--terminal", "counter-1",
                                      "--reader", VirtualCard.readerName, "--token-file", tokenFile.path, "--card-wait", "5"], output: log.path)
        for _ in 0..<100 {
            if try await site.desks.cardReader.connectedTerminals().contains(where: { $0.name == "counter-1" }) { return (agent, log) }
            try await Task.sleep(for: .milliseconds(100))
        }
        agent.kill()
        throw FixtureError("the agent did not register: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// Sends a read from the card page and waits (as the page's script does) until it has ended.
    static func read(_ browser: inout Browser, entryID: Int64, code: String, purpose: String = "record") async throws -> Browser.Page {
        let page = try await browser.get("/ledger/entries/\(entryID)")
        let sent = try await browser.post("/ledger/entries/\(entryID)/card-read", [("terminal", "counter-1"), ("unlock", "code-b"), ("codeB", code),
                                                                                     ("purpose", purpose)], csrf: page.csrf)
        let location = try #require(sent.location, "\(sent.status) \(sent.body.prefix(300))")
        try #require(location.contains("/card-read/"), "\(location)")
        for _ in 0..<150 {
            let status = try await browser.get(location + "/status")
            if status.body.contains("\"finished\":true") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await browser.get(location)
    }

    @Test("a read from the card page returns the address and both expiries; 登録 records them; a wrong 照合番号B shows the tries left; the last try is refused; no code is kept")
    func readAndRecord() async throws {
        try await SiteHarness.run(live: true) { site, staff, _ in
            try await VirtualCard.with(Self.holder) { card in
                // setup
                let token = try await Self.accounts(site)
                let entryID = try await Self.entry(site, applicationID: "20261201000000000000201", name: "高崎　美咲", birthDate: "1987-08-29")
                let folder = try Self.agentFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let (agent, log) = try await Self.startAgent(site, token: token, folder: folder)
                defer { agent.kill() }
                var browser = Browser(staff)
                try await browser.login("clerk")
                let code = Self.holder.verificationCodeB
                // act: a read for the record, then 登録
                let shown = try await Self.read(&browser, entryID: entryID, code: code)
                let recordPath = Self.shownRecordPath(shown)
                try #require(!recordPath.isEmpty, "no 登録 button: \(shown.body.prefix(2000))")
                let recorded = try await browser.post(recordPath, [], csrf: shown.csrf)
                let entry = try #require(try await site.stores.ledger.find(id: entryID))
                // check
                #expect(shown.body.contains("読取完了"), "\(shown.body.prefix(2000))")
                #expect(shown.body.contains("東京都西東京市保谷町３丁目２番１号") && shown.body.contains("2036-02-29") && shown.body.contains("2031-08-29"))
                #expect(shown.body.contains("髙﨑　美咲") && shown.body.contains("一致"))
                #expect(recorded.status == .seeOther || recorded.status == .found)
                #expect(entry.cardExpiry?.description == "2036-02-29" && entry.certificateExpiry?.description == "2031-08-29")
                #expect(entry.cardAddress == "東京都西東京市保谷町３丁目２番１号" && entry.cardDataSource == "reader")
                let actions = try await site.auditActions()
                #expect(["card.read.request", "card.read.claim", "card.read.result", "card.read.view", "ledger.card-data"].allSatisfy(actions.contains))

                // act: a wrong code (right birth date and year, wrong security code)
                let wrong = try await Self.read(&browser, entryID: entryID, code: String(code.prefix(10)) + "0000")
                // check
                #expect(wrong.body.contains("照合番号Bが違います。あと9回"), "\(wrong.body.prefix(1500))")

                // act: one try left: the agent does not spend it
                try card.command("set-tries kenhojo/0015 1")
                try card.command("reset-log")
                let last = try await Self.read(&browser, entryID: entryID, code: code)
                // check
                #expect(last.body.contains("残り回数が1回です"), "\(last.body.prefix(1500))")
                let verifies = try card.log().compactMap { $0["capdu"] as? String }.filter { $0.hasPrefix("00200080") && $0.count > 8 }
                #expect(verifies.isEmpty)
                #expect(try card.violations().isEmpty)

                // check: 照合番号B is nowhere: not in a job row, the audit log, the ledger's history, nor the agent's log
                let rows = try await site.stores.database.client.all("""
                    SELECT coalesce(string_agg(j::text, ' '), '') FROM card_read_job j
                    UNION ALL SELECT coalesce(string_agg(a.detail || a.record_id, ' '), '') FROM audit_log a
                    UNION ALL SELECT coalesce(string_agg(ev::text, ' '), '') FROM ledger_event ev
                    """, as: (String).self, logger: site.stores.logger)
                #expect(rows.count == 3 && rows.allSatisfy { !$0.contains(code) && !$0.contains(String(code.suffix(8))) })
                let sealed = try await site.stores.database.client.first("SELECT count(*) FROM card_read_job WHERE sealed_code IS NOT NULL",
                                                                        as: (Int).self, logger: site.stores.logger)
                #expect(sealed == 0)
                let agentLog = try String(contentsOf: log, encoding: .utf8)
                #expect(agentLog.contains("\"event\":\"job.read\"") && !agentLog.contains(code))
            }
        }
    }

    static func shownRecordPath(_ page: Browser.Page) -> String {
        guard let range = page.body.range(of: #"action="(/ledger/entries/\d+/card-read/[0-9A-F-]+/record)""#, options: .regularExpression) else { return "" }
        return String(page.body[range].dropFirst(8).dropLast())
    }

    @Test("at handover the card in hand must be this entry's card: no read, no 交付済; a matching read hands over; another person's card stops it")
    func handover() async throws {
        try await SiteHarness.run(live: true) { site, staff, _ in
            try await VirtualCard.with(Self.holder) { _ in
                // setup
                let token = try await Self.accounts(site)
                let mine = try await Self.entry(site, applicationID: "20261201000000000000202", name: "高崎　美咲", birthDate: "1987-08-29")
                let other = try await Self.entry(site, applicationID: "20261201000000000000203", name: "高崎　美咲", birthDate: "1988-08-29")
                let folder = try Self.agentFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let (agent, _) = try await Self.startAgent(site, token: token, folder: folder)
                defer { agent.kill() }
                var browser = Browser(staff)
                try await browser.login("clerk")
                let page = try await browser.get("/ledger/entries/\(mine)")
                // act: 交付済 without a read
                let unread = try await browser.post("/ledger/entries/\(mine)/stage", [("stage", "handed-over")], csrf: page.csrf)
                let unreadPage = try await browser.get(try #require(unread.location))
                // act: the right card
                let matched = try await Self.read(&browser, entryID: mine, code: Self.holder.verificationCodeB, purpose: "handover")
                let jobID = try #require(matched.body.range(of: #"name="cardRead" value="([0-9A-F-]+)""#, options: .regularExpression)
                    .map { String(matched.body[$0].dropFirst(23).dropLast()) })
                let handed = try await browser.post("/ledger/entries/\(mine)/stage", [("stage", "handed-over"), ("cardRead", jobID)],
                                                  csrf: matched.csrf)
                // act: the same card at another person's entry, and the first read reused there
                let mismatched = try await Self.read(&browser, entryID: other, code: Self.holder.verificationCodeB, purpose: "handover")
                let reused = try await browser.post("/ledger/entries/\(other)/stage", [("stage", "handed-over"), ("cardRead", jobID)], csrf: mismatched.csrf)
                // act: the terminal's token tries what only staff may do
                var api = Browser(staff)
                let ledgerRead = try await api.json("/api/v1/ledger/20261201000000000000202", token: token)
                let stageMove = try await api.json("/api/v1/ledger/20261201000000000000203/stage", method: .post, ["stage": "handed-over", "cardRead": jobID],
                                                   token: token)
                // check
                #expect(ledgerRead.status == .forbidden && stageMove.status == .forbidden)
                #expect(unreadPage.body.contains("ICカードリーダーで読み取り"), "\(unreadPage.body.prefix(1500))")
                #expect(matched.body.contains("交付済にする"))
                #expect(handed.location?.contains("done=moved") == true, "\(handed.location ?? "") \(handed.body.prefix(500))")
                #expect(try await site.stores.ledger.find(id: mine)?.stage == .handedOver)
                #expect(mismatched.body.contains("本人のカードではない可能性") && !mismatched.body.contains("交付済にする"))
                #expect(mismatched.body.contains("生年月日が管理簿"))
                #expect(reused.location.map { $0.contains("error=") } == true)
                #expect(try await site.stores.ledger.find(id: other)?.stage == .notified)
            }
        }
    }
}
