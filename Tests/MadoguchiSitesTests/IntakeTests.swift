import Foundation
import Hummingbird
import HummingbirdTesting
import MadoguchiDatabase
import MadoguchiDomain
import Testing

@Suite("Intake and fees (B1-B3)")
struct IntakeTests {
    /// An applicant, a location and a signed-in clerk.
    func prepare(_ site: SiteHarness, _ staff: any TestClientProtocol) async throws -> (Int64, Int64, Browser) {
        try await site.createUser("clerk1", roles: ["clerk"])
        let input = Applicant(familyName: "山田", familyKana: "ヤマダ", birthDate: "1980-04-01", applicationIDs: ["12345678901234567890123"])
        let applicant = try await site.stores.database.transaction { c in try await site.stores.applicants.create(input, on: c) }
        let location = try await site.stores.slots.ensureLocation(name: "田無庁舎", address: "", on: site.stores.database.client)
        var clerk = Browser(staff)
        try await clerk.login("clerk1")
        return (applicant, location, clerk)
    }

    func intakeFields(_ location: Int64, channel: String = "counter", applicationID: String = "12345678901234567890123",
                      day: String = "2026-11-01", notes: String = "") -> [(String, String)] {
        [("applicationId", applicationID), ("channel", channel), ("receivedOn", day), ("locationId", String(location)),
         ("identityVerified", "1"), ("notes", notes)]
    }

    @Test("a counter intake is recorded, shown on the applicant page, and edits keep their history")
    func intakeAndHistory() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let (applicant, location, clerkBrowser) = try await prepare(site, staff)
            var clerk = clerkBrowser
            let csrf = try await clerk.get("/applicants/\(applicant)").csrf
            // act
            let created = try await clerk.post("/applicants/\(applicant)/intakes", intakeFields(location), csrf: csrf)
            let intakeURL = String(created.location!.split(separator: "?")[0])
            let edit = try await clerk.post(intakeURL, intakeFields(location, day: "2026-11-02", notes: "書類不備なし") + [("version", "1")], csrf: csrf)
            let stale = try await clerk.post(intakeURL, intakeFields(location, day: "2026-11-03") + [("version", "1")], csrf: csrf)
            let page = try await clerk.get(intakeURL)
            // check
            #expect(created.status == .seeOther)
            #expect(edit.status == .seeOther)
            #expect(stale.status == .conflict, "an edit from an old version must not overwrite a newer one")
            #expect(page.body.contains("令和8年11月2日"))
            #expect(page.body.contains("修正履歴"))
            #expect(page.body.contains("2026-11-01"), "the previous version is kept")
            #expect(try await clerk.get("/applicants/\(applicant)").body.contains("窓口申請"))
            let actions = try await site.auditActions()
            #expect(actions.contains("intake.create") && actions.contains("intake.update") && actions.contains("intake.view"))
        }
    }

    @Test("bad intake input is refused and stores nothing", arguments: [
        ("123", "counter", "2026-11-01", ""), ("12345678901234567890123", "mail", "2026-11-01", ""),
        ("12345678901234567890123", "counter", "2099-01-01", ""), ("12345678901234567890123", "counter", "2026-11-01", "番号123456789018"),
    ])
    func refused(applicationID: String, channel: String, day: String, notes: String) async throws {
        try await SiteHarness.run { site, staff, _ in
            let (applicant, location, clerkBrowser) = try await prepare(site, staff)
            var clerk = clerkBrowser
            let csrf = try await clerk.get("/applicants/\(applicant)").csrf
            let response = try await clerk.post("/applicants/\(applicant)/intakes",
                                                intakeFields(location, channel: channel, applicationID: applicationID, day: day, notes: notes),
                                                csrf: csrf)
            #expect(response.status == .unprocessableContent)
            #expect(response.body.contains("申請受付を登録できませんでした"), "the applicant page comes back with the reasons")
            #expect(try await site.stores.intakes.forApplicant(applicant).isEmpty)
        }
    }

    @Test("fees: paid at once gets a receipt number; due then paid; exempt needs a reason; refund; daily totals per location")
    func fees() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup: the clock on 2026-11-29 10:00 Tokyo
            site.clock.set(Date(timeIntervalSince1970: 1795914000))
            let (applicant, location, clerkBrowser) = try await prepare(site, staff)
            var clerk = clerkBrowser
            let csrf = try await clerk.get("/applicants/\(applicant)").csrf
            let created = try await clerk.post("/applicants/\(applicant)/intakes", intakeFields(location), csrf: csrf)
            let intakeURL = String(created.location!.split(separator: "?")[0])
            // act
            _ = try await clerk.post(intakeURL + "/fees", [("item", "card-reissue"), ("status", "paid")], csrf: csrf)
            _ = try await clerk.post(intakeURL + "/fees", [("item", "certificate-reissue"), ("status", "due")], csrf: csrf)
            let noReason = try await clerk.post(intakeURL + "/fees", [("item", "card-reissue"), ("status", "exempt")], csrf: csrf)
            _ = try await clerk.post(intakeURL + "/fees", [("item", "card-reissue"), ("status", "exempt"), ("exemption", "card-defect")], csrf: csrf)
            let intakeID = Int64(intakeURL.split(separator: "/").last!)!
            var fees = try await site.stores.fees.forIntake(intakeID)
            let paid = try await clerk.post("/fees/\(fees[1].id)/pay", [], csrf: csrf)
            let payAgain = try await clerk.post("/fees/\(fees[1].id)/pay", [], csrf: csrf)
            _ = try await clerk.post("/fees/\(fees[0].id)/refund", [], csrf: csrf)
            fees = try await site.stores.fees.forIntake(intakeID)
            let day = CalendarDate(site.clock.now())
            let totals = try await site.stores.fees.dailyTotals(day: day)
            // check
            #expect(noReason.status == .unprocessableContent)
            #expect(paid.status == .seeOther)
            #expect(payAgain.status == .conflict)
            #expect(fees.map(\.status) == [.refunded, .paid, .exempt])
            #expect(fees[0].receiptNumber != nil && fees[1].receiptNumber != nil && fees[0].receiptNumber != fees[1].receiptNumber)
            #expect(fees[0].receiptNumber?.hasPrefix("R2026-") == true)
            #expect(fees[2].amount == 800 && fees[2].receiptNumber == nil)
            #expect(totals.count == 2)
            #expect(totals.reduce(0) { $0 + $1.paidAmount } == 1000)
            #expect(totals.reduce(0) { $0 + $1.net } == 200)
            #expect(totals.allSatisfy { $0.location == "田無庁舎" })
            let page = try await clerk.get("/fees/daily?date=\(day)")
            #expect(page.body.contains("200円"))
            let actions = try await site.auditActions()
            #expect(actions.contains("fee.create") && actions.contains("fee.pay") && actions.contains("fee.refund"))
        }
    }

    @Test("outreach sessions group intakes")
    func sessions() async throws {
        try await SiteHarness.run { site, staff, _ in
            let (applicant, location, clerkBrowser) = try await prepare(site, staff)
            var clerk = clerkBrowser
            let csrf = try await clerk.get("/intake-sessions").csrf
            let created = try await clerk.post("/intake-sessions", [("channel", "outreach"), ("heldOn", "2026-11-01"), ("place", "ひばりが丘公民館"),
                                                                    ("organisation", "自治会")], csrf: csrf)
            #expect(created.status == .seeOther)
            let session = try await site.stores.intakes.sessions().first!
            var fields = intakeFields(location, channel: "outreach")
            fields.append(("sessionId", String(session.id)))
            _ = try await clerk.post("/applicants/\(applicant)/intakes", fields, csrf: csrf)
            let wrongChannel = try await clerk.post("/applicants/\(applicant)/intakes", intakeFields(location) + [("sessionId", String(session.id))],
                                                    csrf: csrf)
            #expect(wrongChannel.status == .unprocessableContent)
            #expect(try await site.stores.intakes.forSession(session.id).count == 1)
            #expect(try await clerk.get("/intake-sessions").body.contains("ひばりが丘公民館"))
        }
    }
}
