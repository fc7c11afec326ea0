import Foundation
import MadoguchiProcess
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiSites
import MadoguchiTestSupport
import Testing

extension Browser {
    /// Posts a `multipart/form-data` form with files, as a browser's file input does.
    mutating func upload(_ path: String, fields: [(String, String)], files: [(name: String, filename: String, data: Data)]) async throws -> Page {
        let boundary = "----madoguchi-test-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        var headers = HTTPFields()
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }
}

/// The text of a PDF as `pdftotext` reads it (poppler-utils).
func pdfText(_ body: ByteBuffer) async throws -> String {
    let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mdg-\(UUID().uuidString).pdf")
    try Data(buffer: body).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    return try await ProcessRunner.runOffPool(["/usr/bin/pdftotext", "-enc", "UTF-8", file.path, "-"], errors: .discarded).output
}

@Suite("Card ledger pages: import, QR, stages, places, PDFs, card data, registry, pickup check (C1-C9, A4)")
struct LedgerPagesTests {
    /// Signs in a clerk (ledger and registry rights) and uploads + commits a fixture on the import page.
    static func importFixture(_ browser: inout Browser, _ path: String, kind: String = "issuance-list") async throws -> Browser.Page {
        let form = try await browser.get("/ledger/import")
        let preview = try await browser.upload("/ledger/import", fields: [("_csrf", form.csrf), ("kind", kind)],
                                               files: [("file", path, try Fixtures.data("ledger/" + path))])
        guard let range = preview.body.range(of: #"name="token" value="([^"]*)""#, options: .regularExpression) else { return preview }
        let token = String(preview.body[range].dropFirst(#"name="token" value=""#.count).dropLast())
        return try await browser.post("/ledger/import/commit", [("token", token)], csrf: preview.csrf)
    }

    static func entryID(_ site: SiteHarness, _ applicationID: String) async throws -> Int64 {
        try #require(try await site.stores.ledger.find(applicationID: applicationID)).id
    }

    @Test("upload: a dry-run preview first (nothing written), then the import; the same file again creates nothing")
    func uploadPreviewCommit() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            let form = try await browser.get("/ledger/import")
            // act
            let preview = try await browser.upload("/ledger/import", fields: [("_csrf", form.csrf), ("kind", "issuance-list")],
                                                   files: [("file", "list.csv", try Fixtures.data("ledger/issuance-list-cp932.csv"))])
            let countAfterPreview = try await site.stores.ledger.search(.init()).count
            let committed = try await Self.importFixture(&browser, "issuance-list-cp932.csv")
            let again = try await Self.importFixture(&browser, "issuance-list-cp932.csv")
            // check
            #expect(preview.status == .ok)
            #expect(preview.body.contains("新規 6 件、更新 0 件、変更なし 0 件（全 6 行）となります"))
            #expect(preview.body.contains("髙橋　﨑子") && preview.body.contains("cp932"))
            #expect(countAfterPreview == 0)
            #expect(committed.body.contains("新規 6 件、更新 0 件、変更なし 0 件（全 6 行）を取り込みました"))
            #expect(again.body.contains("新規 0 件、更新 0 件、変更なし 6 件"))
            #expect(again.body.contains("同じ内容のファイルを"))
            #expect(try await site.stores.ledger.search(.init()).count == 6)
            let actions = try await site.auditActions()
            #expect(actions.contains("ledger.import.check") && actions.contains("ledger.import"))
        }
    }

    @Test("the list's conditions export as CSV for Excel: UTF-8 with BOM, or CP932 with 髙 and ㈱ kept")
    func exportCSV() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("chief", roles: ["supervisor"])
            var browser = Browser(staff)
            try await browser.login("chief")
            _ = try await Self.importFixture(&browser, "issuance-list-cp932.csv")
            let cookie = browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            // act
            let utf8 = try await staff.execute(uri: "/ledger/export.csv?visit=at-application&encoding=utf-8", method: .get, headers: [.cookie: cookie], body: nil)
            let cp932 = try await staff.execute(uri: "/ledger/export.csv?encoding=cp932", method: .get, headers: [.cookie: cookie], body: nil)
            // check
            let utf8Bytes = Data(buffer: utf8.body)
            #expect(Array(utf8Bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: utf8Bytes.dropFirst(3), as: UTF8.self)
            #expect(text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 3, "header + the two at-application cards")
            #expect(text.contains("髙橋　﨑子") && text.contains("申請時来庁"))
            let decoded = await TextDecodingForTests.cp932(Data(buffer: cp932.body))
            #expect(decoded?.contains("髙橋　﨑子") == true && decoded?.contains("㈱ミドリ寮①") == true)
            #expect(try await site.auditActions().contains("ledger.export"))
            #expect(try await browser.get("/ledger?page=9223372036854775807").status == .ok, "a huge page number is no crash")
        }
    }

    @Test("upload with bad lines: every line listed, 422, nothing written, no way to commit")
    func uploadBadLines() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            let form = try await browser.get("/ledger/import")
            // act
            let page = try await browser.upload("/ledger/import", fields: [("_csrf", form.csrf), ("kind", "issuance-list")],
                                                files: [("file", "bad.csv", try Fixtures.data("ledger/issuance-list-bad-lines.csv"))])
            // check
            #expect(page.status == .unprocessableContent)
            for line in [3, 4, 5, 6, 7, 8, 10] { #expect(page.body.contains("<td>\(line)行目</td>"), "line \(line)") }
            #expect(!page.body.contains("name=\"token\""))
            #expect(try await site.stores.ledger.search(.init()).isEmpty)
        }
    }

    @Test("a card walks delivered → inspected (a free place suggested and taken) → prepared → notified → handed over (place freed)")
    func stageWalk() async throws {
        // An office without counter readers (MADOGUCHI_HANDOVER_CARD_CHECK=off); the read-checked
        // handover is CardReaderFlowTests'.
        try await SiteHarness.run(configure: { $0.service.handoverCardCheck = false }) { site, staff, _ in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            _ = try await Self.importFixture(&browser, "issuance-list-cp932.csv")
            let places = try await browser.get("/ledger/places")
            let created = try await browser.post("/ledger/places", [("code", "a"), ("name", "交付待ち金庫"), ("drawers", "2"), ("slots", "3"), ("capacity", "1")],
                                                 csrf: places.csrf)
            let id = try await Self.entryID(site, "20261129000000000000101")
            // act
            let page = try await browser.get("/ledger/entries/\(id)")
            let skip = try await browser.post("/ledger/entries/\(id)/stage", [("stage", "handed-over")], csrf: page.csrf)
            var steps: [String] = []
            for stage in ["inspected", "prepared", "notified", "handed-over"] {
                let current = try await browser.get("/ledger/entries/\(id)")
                steps.append(try await browser.post("/ledger/entries/\(id)/stage", [("stage", stage), ("note", "確認 \(stage)")], csrf: current.csrf).location ?? "")
                if stage == "inspected" {
                    #expect(try await site.stores.ledger.find(id: id)?.storagePlace == "A-1-1")
                    #expect(try await site.stores.storage.slots().first { $0.code == "A-1-1" }?.used == 1)
                }
            }
            // check
            #expect(created.location?.hasPrefix("/ledger/places?cabinet=") == true)
            #expect(page.body.contains("保管場所 A-1-1") || page.body.contains("A-1-1"))
            #expect(skip.location?.contains("error=") == true)
            #expect(steps.allSatisfy { $0.hasSuffix("done=moved") })
            let entry = try #require(try await site.stores.ledger.find(id: id))
            #expect(entry.stage == .handedOver && entry.storagePlace == nil && entry.handedOverAt != nil)
            #expect(try await site.stores.storage.slots().first { $0.code == "A-1-1" }?.used == 0)
            let events = try await site.stores.ledger.events(entryID: id).filter { $0.kind == "stage" }
            #expect(events.map { $0.toStage } == [.inspected, .prepared, .notified, .handedOver])
            #expect(events.allSatisfy { $0.staffLogin == "clerk" && $0.note.hasPrefix("確認") })
            let shown = try await browser.get("/ledger/entries/\(id)")
            #expect(shown.body.contains("交付済") && shown.body.contains("確認 notified"))
        }
    }

    @Test("QR scans: each scan registers or confirms one card at once; a repeat changes nothing; a foreign code is refused")
    func qrScans() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            _ = try await Self.importFixture(&browser, "issuance-list-cp932.csv")
            let page = try await browser.get("/ledger/scan")
            // act
            let confirmed = try await browser.post("/ledger/scan", [("code", "20261129000000000000102,2\r")], csrf: page.csrf, json: true)
            let again = try await browser.post("/ledger/scan", [("code", "20261129000000000000102")], csrf: page.csrf, json: true)
            let fresh = try await browser.post("/ledger/scan", [("code", "20261129000000000000999")], csrf: page.csrf, json: true)
            let foreign = try await browser.post("/ledger/scan", [("code", "https://example.jp/")], csrf: page.csrf, json: true)
            let plain = try await browser.post("/ledger/scan", [("code", "20261129000000000000103")], csrf: page.csrf)
            // check
            #expect(confirmed.json["outcome"] as? String == "confirmed" && confirmed.json["name"] as? String == "山田　太郎")
            #expect(again.json["outcome"] as? String == "already")
            #expect(fresh.json["outcome"] as? String == "registered")
            #expect(foreign.status == .unprocessableContent && foreign.json["outcome"] as? String == "invalid")
            #expect(plain.location?.hasPrefix("/ledger/scan?flash=") == true || plain.location?.contains("flash") == true)
            #expect(fresh.json["today"] as? Int == 2)
            #expect(try await site.stores.ledger.find(applicationID: "20261129000000000000999")?.source == "qr")
            #expect(page.body.contains("autofocus"))
            let unconfirmed = try await browser.get("/ledger?unconfirmed=1")
            #expect(unconfirmed.body.components(separatedBy: "href=\"/ledger/entries/").count - 1 == 4, "six imported, two scanned")
        }
    }

    @Test("a scanned list page (PNG, two-page PDF) is decoded with zbar, shown, and registered in one go; junk is refused")
    func scanPage() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            let page = try await browser.get("/ledger/scan")
            // act
            let png = try await browser.upload("/ledger/scan-page", fields: [("_csrf", page.csrf)],
                                               files: [("page", "list.png", try Fixtures.data("qr/issuance-list-page.png"))])
            let pdf = try await browser.upload("/ledger/scan-page", fields: [("_csrf", page.csrf)],
                                               files: [("page", "list.pdf", try Fixtures.data("qr/issuance-list-2pages.pdf"))])
            let junk = try await browser.upload("/ledger/scan-page", fields: [("_csrf", page.csrf)],
                                                files: [("page", "x.pdf", try Fixtures.data("qr/not-a-pdf.pdf"))])
            let none = try await browser.upload("/ledger/scan-page", fields: [("_csrf", page.csrf)],
                                                files: [("page", "none.png", try Fixtures.data("qr/no-qr.png"))])
            let ids = ["12345678901234567890123", "98765432109876543210987", "11112222333344445555666",
                       "20261129000000000000001", "20261129000000000000002", "20261129000000000000003"]
            let codes = ids.enumerated().map { ("codes", "\($0.element),\($0.offset + 1)") }
            let confirmed = try await browser.post("/ledger/scan-page/confirm", codes, csrf: png.csrf)
            // check
            #expect(png.body.contains("list.png から 6 件のQRコード"))
            for id in ids { #expect(png.body.contains("<code>\(id)</code>"), "code \(id)") }
            #expect(pdf.body.contains("list.pdf から 6 件のQRコード"))
            #expect(junk.status == .unprocessableContent && junk.body.contains("PDF"))
            #expect(none.body.contains("QRコードが見つかりませんでした"), "\(none.status)")
            #expect(confirmed.location?.contains("flash=") == true)
            let after = try await browser.get(confirmed.location ?? "/")
            #expect(after.body.contains("新規登録 6 件、納品確認 0 件、読取済み 0 件。"))
            #expect(try await site.stores.ledger.search(.init()).count == 6)
            #expect(try await site.auditActions().contains("ledger.qr-page"))
        }
    }

    @Test("bulk: scanned cards move together; the ones that may not move are listed with the reason")
    func bulkMove() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            _ = try await Self.importFixture(&browser, "issuance-list-cp932.csv")
            _ = try await site.stores.database.transaction { connection in
                try await site.stores.storage.createCabinet(code: "B", name: "", locationID: nil, drawers: 1, slotsPerDrawer: 2, capacity: 5, on: connection)
            }
            let form = try await browser.get("/ledger/bulk")
            // act
            let codes = "20261129000000000000101,1\n20261129000000000000102\n20261129000000000000888\nこれはID\n1234 5678 9018"
            let result = try await browser.post("/ledger/bulk", [("stage", "inspected"), ("codes", codes)], csrf: form.csrf)
            let second = try await browser.post("/ledger/bulk", [("stage", "handed-over"), ("codes", "20261129000000000000101")], csrf: form.csrf)
            // check
            #expect(result.body.contains("2 枚を「検品済」にしました（3 枚は更新できませんでした）"))
            #expect(result.body.contains("（12桁の番号）") && !result.body.contains("1234 5678 9018"))
            #expect(result.body.contains("カード管理簿に該当するカードがありません") && result.body.contains("申請書IDとして読めません"))
            #expect(second.body.contains("「検品済」から「交付済」へは進められません"))
            #expect(try await site.stores.ledger.find(applicationID: "20261129000000000000102")?.storagePlace == "B-1-1")
        }
    }

    @Test("PDFs: checklist, receipt and the day's batch are A4 PDFs whose text holds the Japanese exactly")
    func pdfs() async throws {
        try await SiteHarness.run { site, staff, resident in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            _ = try await Self.importFixture(&browser, "issuance-list-cp932.csv")
            let id = try await Self.entryID(site, "20261129000000000000101")
            // act
            let checklist = try await staff.execute(uri: "/ledger/entries/\(id)/checklist.pdf", method: .get,
                                                    headers: [.cookie: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")], body: nil)
            let receipt = try await staff.execute(uri: "/ledger/entries/\(id)/receipt.pdf", method: .get,
                                                  headers: [.cookie: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")], body: nil)
            // check
            #expect(checklist.headers[.contentType] == "application/pdf")
            let checklistText = try await pdfText(checklist.body)
            #expect(checklistText.contains("交付チェックリスト"))
            #expect(checklistText.contains("髙橋") && checklistText.contains("﨑子"))
            #expect(checklistText.contains("㈱ミドリ寮①"))
            let receiptText = try await pdfText(receipt.body)
            #expect(receiptText.contains("受領書") && receiptText.contains("髙橋"))
            #expect(try await site.auditActions().contains("ledger.checklist.export"))
            _ = resident
        }
    }

    @Test("pickup booking against the ledger: residents refused until the card is ready; staff warned and may override")
    func pickupCrossCheck() async throws {
        try await SiteHarness.run { site, staff, resident in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            _ = try await Self.importFixture(&browser, "issuance-list-cp932.csv")
            let bookable = try await BookableDay.make(site, purpose: .pickup, web: 5, staff: 5)
            var person = People.json(1, slot: bookable.slotIDs[0])
            person["familyName"] = "山田"
            person["givenName"] = "太郎"
            person["familyKana"] = "ヤマダ"
            person["givenKana"] = "タロウ"
            person["birthDate"] = "1990-07-15"
            person["applicationId"] = "20261129000000000000102"
            var api = Browser(resident)
            // act
            let early = try await api.json("/api/v1/public/bookings", method: .post, person)
            let id = try await Self.entryID(site, "20261129000000000000102")
            _ = try await site.stores.storage.createCabinetForTests(site)
            for stage in [LedgerStage.inspected, .prepared] {
                _ = try await site.stores.database.transaction { connection in
                    try await site.stores.ledger.move(entryID: id, to: stage, staffUserID: nil, now: site.clock.now(), on: connection)
                }
            }
            let ready = try await api.json("/api/v1/public/bookings", method: .post, person)
            let form = try await browser.get("/bookings/new?slot=\(bookable.slotIDs[1])")
            let fields: [(String, String)] = [("slot", String(bookable.slotIDs[1])), ("channel", "phone"), ("familyName", "鈴木"), ("givenName", "花子"),
                                              ("familyKana", "スズキ"), ("givenKana", "ハナコ"), ("birthDate", "1970-01-01"), ("phone", "0424601234"),
                                              ("applicationId", "20261129000000000000777")]
            let warned = try await browser.post("/bookings/new", fields, csrf: form.csrf)
            let overridden = try await browser.post("/bookings/new", fields + [("overridePickupCheck", "1")], csrf: form.csrf)
            // check
            #expect(early.status == .conflict)
            #expect(early.body.contains("card-not-ready") && early.body.contains("交付通知書が届いてから"))
            #expect(ready.status == .created)
            #expect(warned.status == .conflict && warned.body.contains("カード管理簿にこの方のカードがありません"))
            #expect(warned.body.contains("overridePickupCheck"))
            #expect(overridden.location?.hasPrefix("/bookings/") == true)
            let day = bookable.day.description
            let batch = try await staff.execute(uri: "/ledger/handovers.pdf?date=\(day)", method: .get,
                                                headers: [.cookie: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")], body: nil)
            let text = try await pdfText(batch.body)
            #expect(text.contains("山田") && text.contains("合計 1 件"))
            let bookingPage = try await browser.get(overridden.location ?? "/")
            #expect(bookingPage.body.contains("カード管理簿にこの方のカードがありません"))
            #expect(bookingPage.body.contains("住基に該当者がいません"))
        }
    }

    @Test("card data from the counter's reader (bearer token): recorded, differences reported; bad dates refused with 422")
    func cardDataAPI() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            _ = try await Self.importFixture(&browser, "issuance-list-cp932.csv")
            let userID = try await site.createUser("reader", roles: ["clerk"])
            let token = try await site.stores.tokens.create(userID: userID, name: "card reader", scopes: Set(Permission.allCases), expiresAt: nil, on: site.stores.database.client).token
            var api = Browser(staff)
            // act
            let ok = try await api.json("/api/v1/ledger/20261129000000000000102/card-data", method: .post,
                                        ["address": "東京都西東京市田無町9-9", "cardExpiry": "2036-07-15", "certificateExpiry": "2031-07-15", "reader": "counter-1"],
                                        token: token)
            let bad = try await api.json("/api/v1/ledger/20261129000000000000102/card-data", method: .post,
                                         ["address": "東京都西東京市田無町9-9", "cardExpiry": "2020-01-01", "certificateExpiry": "2040-01-01"], token: token)
            let missing = try await api.json("/api/v1/ledger/20261129000000000000555/card-data", method: .post,
                                             ["address": "x", "cardExpiry": "2036-07-15", "certificateExpiry": "2031-07-15"], token: token)
            let read = try await api.json("/api/v1/ledger/20261129000000000000102", token: token)
            // check
            #expect(ok.status == .ok)
            #expect((ok.json["differences"] as? [String])?.first?.hasPrefix("address differs") == true)
            #expect(bad.status == .unprocessableContent && bad.body.contains("cardExpiry"))
            #expect(missing.status == .notFound)
            #expect((read.json["cardExpiry"] as? String) == "2036-07-15")
            let page = try await browser.get("/ledger/entries/\(try await Self.entryID(site, "20261129000000000000102"))")
            #expect(page.body.contains("カードの住所（東京都西東京市田無町9-9）が管理簿の住所"))
        }
    }

    @Test("the ledger API: a CSV imported from a program (422 naming every bad line, then 200, then unchanged) and a card walked through its stages")
    func ledgerAPI() async throws {
        // An office without counter readers (MADOGUCHI_HANDOVER_CARD_CHECK=off); the read-checked
        // handover is CardReaderFlowTests'.
        try await SiteHarness.run(configure: { $0.service.handoverCardCheck = false }) { site, staff, _ in
            // setup
            let userID = try await site.createUser("scanner", roles: ["clerk"])
            let token = try await site.stores.tokens.create(userID: userID, name: "handheld", scopes: Set(Permission.allCases), expiresAt: nil, on: site.stores.database.client).token
            _ = try await site.stores.database.transaction { connection in
                try await site.stores.storage.createCabinet(code: "C", name: "", locationID: nil, drawers: 1, slotsPerDrawer: 2, capacity: 5, on: connection)
            }
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(token)"
            headers[.contentType] = "text/csv"
            func post(_ path: String, _ data: Data) async throws -> Browser.Page {
                let response = try await staff.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: data))
                return Browser.Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
            }
            var api = Browser(staff)
            // act
            let bad = try await post("/api/v1/ledger/imports?kind=issuance-list", try Fixtures.data("ledger/issuance-list-bad-lines.csv"))
            let dry = try await post("/api/v1/ledger/imports?dryRun=true&fileName=list.csv", try Fixtures.data("ledger/issuance-list-cp932.csv"))
            let real = try await post("/api/v1/ledger/imports?fileName=list.csv", try Fixtures.data("ledger/issuance-list-cp932.csv"))
            let again = try await post("/api/v1/ledger/imports?fileName=list.csv", try Fixtures.data("ledger/issuance-list-cp932.csv"))
            var stages: [Int] = []
            for (stage, place) in [("inspected", "C-1-2"), ("prepared", nil), ("notified", nil), ("handed-over", nil)] as [(String, String?)] {
                var body: [String: Any] = ["stage": stage, "note": "API"]
                if let place { body["storagePlace"] = place }
                stages.append(Int(try await api.json("/api/v1/ledger/20261129000000000000102/stage", method: .post, body, token: token).status.code))
            }
            let skip = try await api.json("/api/v1/ledger/20261129000000000000103/stage", method: .post, ["stage": "handed-over"], token: token)
            let ignoredPlace = try await api.json("/api/v1/ledger/20261129000000000000104/stage", method: .post,
                                                  ["stage": "on-hold", "storagePlace": "C-1-1"], token: token)
            // check
            #expect(bad.status == .unprocessableContent && bad.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(((bad.json["problems"] as? [[String: Any]]) ?? []).compactMap { $0["line"] as? Int } == [3, 4, 5, 6, 7, 8, 10])
            #expect(dry.json["created"] as? Int == 6 && dry.json["dryRun"] as? Bool == true)
            #expect(real.json["created"] as? Int == 6 && again.json["unchanged"] as? Int == 6 && again.json["created"] as? Int == 0)
            #expect(stages == [200, 200, 200, 200])
            #expect(skip.status == .conflict && skip.body.contains("stage-not-allowed"))
            #expect(ignoredPlace.status == .unprocessableContent && ignoredPlace.body.contains("storagePlace"))
            let card = try #require(try await site.stores.ledger.find(applicationID: "20261129000000000000102"))
            #expect(card.stage == .handedOver && card.storagePlace == nil)
            #expect(try await site.stores.ledger.events(entryID: card.id).first { $0.toStage == .inspected }?.storagePlace == "C-1-2")
        }
    }

    @Test("registry extract uploaded on the import page; lookup by kana shows the person, audited; the card page flags mismatches")
    func registryLookup() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            _ = try await Self.importFixture(&browser, "issuance-list-cp932.csv")
            // replacing the registry extract is an administrator's (registry.import, #13)
            try await site.createUser("registrar", roles: ["administrator"])
            var registrar = Browser(staff)
            try await registrar.login("registrar")
            let imported = try await Self.importFixture(&registrar, "registry-cp932.csv", kind: "registry")
            // act
            let found = try await browser.get("/registry?kana=%E3%82%BF%E3%82%AB%E3%83%8F%E3%82%B7")
            let card = try await browser.get("/ledger/entries/\(try await Self.entryID(site, "20261129000000000000106"))")
            // check
            #expect(imported.body.contains("住基抽出データを 5 人分で置き換えました"))
            #expect(found.body.contains("髙橋　﨑子") && found.body.contains("1 件"))
            #expect(card.body.contains("住基の状態: 死亡"))
            #expect(try await site.auditActions().contains("registry.search"))
        }
    }
}

extension StorageStore {
    /// One small cabinet so that inspection can place cards.
    func createCabinetForTests(_ site: SiteHarness) async throws -> Int64 {
        try await site.stores.database.transaction { connection in
            try await createCabinet(code: "T", name: "", locationID: nil, drawers: 1, slotsPerDrawer: 1, capacity: 50, on: connection)
        }
    }
}

/// CP932 read back by glibc's iconv, independently of the code under test.
enum TextDecodingForTests {
    static func cp932(_ data: Data) async -> String? {
        let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mdg-\(UUID().uuidString).csv")
        guard (try? data.write(to: file)) != nil else { return nil }
        defer { try? FileManager.default.removeItem(at: file) }
        guard let result = try? await ProcessRunner.runOffPool(["/usr/bin/iconv", "-f", "CP932", "-t", "UTF-8"], input: file.path, errors: .discarded),
              result.status == 0 else { return nil }
        return result.output
    }
}
