import Foundation
import MadoguchiDomain
import MadoguchiTestSupport
import Testing

/// 「カードはできていますか？」(#16): application ID + date of birth, on the resident site and the
/// public API; the same answer for an unknown ID and a wrong date; limited per ID; audited.
@Suite("Is my card ready? (resident lookup)")
struct CardStatusTests {
    static func entry(_ site: SiteHarness, _ id: String, stage: String) async throws {
        try await site.stores.database.client.execute("""
            INSERT INTO ledger_entry (application_id, name, kana, birth_date, stage, source)
            VALUES (\(id), '西東 花子', 'サイトウ　ハナコ', '1975-06-30', \(stage), 'staff')
            """, logger: site.stores.logger)
    }

    @Test("ready, not yet and contact; an unknown ID and a wrong birth date answer the same; the page links to the pickup booking")
    func answers() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup
            try await Self.entry(site, "20261202000000000000301", stage: "notified")
            try await Self.entry(site, "20261202000000000000302", stage: "inspected")
            try await Self.entry(site, "20261202000000000000303", stage: "on-hold")
            let pickup = try await BookableDay.make(site, purpose: .pickup, web: 2, staff: 0)
            var api = Browser(resident)
            func ask(_ id: String, _ birth: String) async throws -> (Int, String) {
                let page = try await api.json("/api/v1/public/card-status", method: .post, ["applicationId": id, "birthDate": birth])
                return (Int(page.status.code), page.json["status"] as? String ?? page.body)
            }
            // act
            let ready = try await ask("20261202000000000000301", "1975-06-30")
            let notYet = try await ask("20261202000000000000302", "1975-06-30")
            let contact = try await ask("20261202000000000000303", "1975-06-30")
            let wrongDate = try await ask("20261202000000000000301", "1975-06-29")
            let unknown = try await ask("20261202000000000000399", "1975-06-30")
            let bad = try await ask("12345", "1975-06-30")
            var browser = Browser(resident)
            let form = try await browser.get("/card-status")
            let page = try await browser.post("/card-status", [("applicationId", "20261202000000000000301"), ("birthDate", "1975-06-30")], csrf: form.csrf)
            let pickupForm = try await browser.get("/book?purpose=pickup&location=\(pickup.locationID)&slot=\(pickup.slotIDs[0])")
            let wrongPage = try await browser.post("/card-status", [("applicationId", "20261202000000000000301"), ("birthDate", "1975-06-29")], csrf: form.csrf)
            // check
            #expect(ready == (200, "ready") && notYet == (200, "not-yet") && contact == (200, "contact"))
            #expect(wrongDate == (200, "not-found") && unknown == wrongDate)
            #expect(bad.0 == 422)
            #expect(page.body.contains("カードの準備ができています") && page.body.contains("/book?purpose=pickup"))
            #expect(pickupForm.body.contains(#"value="20261202000000000000301""#), "the pickup form starts with the ID the answer was for")
            #expect(wrongPage.body.contains("該当するカードが見つかりません") && !wrongPage.body.contains("西東"))
            let audited = try await site.stores.database.client.all("SELECT record_id, result FROM audit_log WHERE action = 'card.status-lookup' ORDER BY id",
                                                                   as: (String, String).self, logger: site.stores.logger)
            #expect(audited.count == 7)
            #expect(audited.filter { $0.1 == "failure" }.allSatisfy { $0.0.isEmpty })
        }
    }

    @Test("guessing birth dates for one ID stops after 10 tries an hour for that ID (below the per-address limit)")
    func limitedPerID() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup
            try await Self.entry(site, "20261202000000000000311", stage: "notified")
            var api = Browser(resident)
            // act: 10 wrong dates, then the right one
            var statuses: [Int] = []
            for day in 1...10 {
                let page = try await api.json("/api/v1/public/card-status", method: .post,
                                              ["applicationId": "20261202000000000000311", "birthDate": String(format: "1975-07-%02d", day)],
                                              headers: [.init("X-Forwarded-For")!: "192.0.2.\(day)"])
                statuses.append(Int(page.status.code))
            }
            let right = try await api.json("/api/v1/public/card-status", method: .post, ["applicationId": "20261202000000000000311", "birthDate": "1975-06-30"])
            // check
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(right.status == .tooManyRequests)
        }
    }
}
