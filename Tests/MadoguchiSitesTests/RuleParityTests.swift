import Foundation
import HTTPTypes
import MadoguchiDomain
import MadoguchiSites
import MadoguchiTestSupport
import Testing

/// One copy of each rule (#12): a page and the API that change the same thing refuse the same
/// input, with a clear 422, and nothing reaches the database's CHECK constraints.
@Suite("Pages and API apply one set of rules")
struct RuleParityTests {
    static let individualNumber = "1234 5678 9018"

    @Test("the location API refuses what the slot editor refuses: an individual number in the address, an over-long guidance text")
    func locationRules() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let userID = try await site.createUser("chief", roles: ["supervisor"])
            let token = try await site.stores.tokens.create(userID: userID, name: "t", scopes: Set(Permission.allCases), expiresAt: nil, on: site.stores.database.client).token
            var api = Browser(staff)
            var browser = Browser(staff)
            try await browser.login("chief")
            let csrf = try await browser.sessionCSRF()
            let longGuidance = String(repeating: "案", count: 1001)
            // act
            let apiAddress = try await api.json("/api/v1/locations", method: .post, ["name": "北町窓口", "address": "北町 \(Self.individualNumber)"],
                                                token: token)
            let apiGuidance = try await api.json("/api/v1/locations", method: .post, ["name": "北町窓口", "guidance": longGuidance], token: token)
            let pageAddress = try await browser.post("/admin/slots/location", [("name", "北町窓口"), ("address", "北町 \(Self.individualNumber)"),
                                                                               ("opensDays", "60"), ("closesHours", "24")], csrf: csrf)
            let pageGuidance = try await browser.post("/admin/slots/location", [("name", "北町窓口"), ("guidance", longGuidance),
                                                                                ("opensDays", "60"), ("closesHours", "24")], csrf: csrf)
            // check: the same refusals, the same words, and no location was created
            #expect(apiAddress.status == .unprocessableContent)
            #expect((apiAddress.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "address")
            #expect(apiAddress.body.contains(IndividualNumber.refusalMessage))
            #expect(apiGuidance.status == .unprocessableContent)
            #expect(apiGuidance.body.contains("案内文は1000文字以内で入力してください。"))
            #expect(pageAddress.status == .unprocessableContent && pageAddress.body.contains(IndividualNumber.refusalMessage))
            #expect(pageGuidance.status == .unprocessableContent && pageGuidance.body.contains("案内文は1000文字以内で入力してください。"))
            #expect(try await site.stores.slots.locations().isEmpty)
            #expect(!(try await site.auditActions().contains("location.create")))
        }
    }

    @Test("a bulk stage move with a 2,000-character note is refused with 422 and a message, and moves no card")
    func bulkNoteLimit() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk")
            _ = try await LedgerPagesTests.importFixture(&browser, "issuance-list-cp932.csv")
            _ = try await site.stores.storage.createCabinetForTests(site)
            let form = try await browser.get("/ledger/bulk")
            // act
            let result = try await browser.post("/ledger/bulk", [("stage", "inspected"), ("codes", "20261129000000000000101"),
                                                                 ("note", String(repeating: "メ", count: 2000))], csrf: form.csrf)
            // check
            #expect(result.status == .unprocessableContent)
            #expect(result.body.contains("メモは1000文字以内で入力してください。"))
            #expect(try await site.stores.ledger.find(applicationID: "20261129000000000000101")?.stage == .delivered)
        }
    }

    @Test("the stage API and the card page refuse the same over-long note")
    func stageNoteLimit() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let userID = try await site.createUser("clerk", roles: ["clerk"])
            let token = try await site.stores.tokens.create(userID: userID, name: "t", scopes: Set(Permission.allCases), expiresAt: nil, on: site.stores.database.client).token
            var browser = Browser(staff)
            try await browser.login("clerk")
            _ = try await LedgerPagesTests.importFixture(&browser, "issuance-list-cp932.csv")
            _ = try await site.stores.storage.createCabinetForTests(site)
            var api = Browser(staff)
            let note = String(repeating: "メ", count: 1001)
            // act
            let viaAPI = try await api.json("/api/v1/ledger/20261129000000000000101/stage", method: .post, ["stage": "inspected", "note": note],
                                            token: token)
            // check
            #expect(viaAPI.status == .unprocessableContent)
            #expect(viaAPI.body.contains("メモは1000文字以内で入力してください。"))
            #expect(try await site.stores.ledger.find(applicationID: "20261129000000000000101")?.stage == .delivered)
        }
    }
}
