import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import Testing

@Suite("Applicant and document pages (B4, B5)")
struct ApplicantPagesTests {
    @Test("registering through the form: errors are tied to their fields, and a valid form creates the applicant")
    func registerByForm() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk1", roles: ["clerk"])
            var clerk = Browser(staff)
            try await clerk.login("clerk1")
            let csrf = try await clerk.get("/applicants/new").csrf
            // act
            let bad = try await clerk.post("/applicants", [("familyName", "佐藤"), ("familyKana", "Sato"), ("birthDate", "2099-01-01")], csrf: csrf)
            let good = try await clerk.post("/applicants", [("familyName", "佐藤"), ("givenName", "花子"), ("familyKana", "さとう"),
                                                            ("givenKana", "ハナコ"), ("birthDate", "1975-12-03"), ("sex", "female"),
                                                            ("applicationIds", "12345678901234567890123")], csrf: csrf)
            // check
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains(#"aria-describedby="familyKana-error""#))
            #expect(bad.body.contains(#"id="birthDate-error""#))
            #expect(bad.body.contains(#"value="佐藤""#), "what was typed is kept")
            #expect(good.status == .seeOther)
            let page = try await clerk.get(good.location!)
            #expect(page.body.contains("佐藤　花子"))
            #expect(page.body.contains("サトウ　ハナコ"))
            #expect(page.body.contains("昭和50年12月3日"))
            #expect(try await site.auditActions().contains("applicant.view"))
        }
    }

    @Test("search by kana, birth date and application ID finds the person; every search is audited")
    func search() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk1", roles: ["clerk"])
            let input = Applicant(familyName: "山田", givenName: "太郎", familyKana: "ヤマダ", givenKana: "タロウ", birthDate: "1980-04-01",
                                       applicationIDs: ["12345678901234567890123"])
            _ = try await site.stores.database.transaction { c in try await site.stores.applicants.create(input, on: c) }
            var clerk = Browser(staff)
            try await clerk.login("clerk1")
            // act
            let byKana = try await clerk.get("/applicants?kana=%E3%82%84%E3%81%BE%E3%81%A0")  // やまだ
            let byBirth = try await clerk.get("/applicants?birthDate=1980-04-01")
            let byID = try await clerk.get("/applicants?applicationId=1234-5678-9012-3456-7890-123")
            let none = try await clerk.get("/applicants?birthDate=1980-04-02")
            // check
            for page in [byKana, byBirth, byID] { #expect(page.body.contains("山田　太郎")) }
            #expect(none.body.contains("0件"))
            #expect(try await site.auditActions().filter { $0 == "applicant.search" }.count == 4)
        }
    }

    @Test("the applicant page shows document thumbnails and an upload form, and the viewer opens")
    func documentsOnApplicantPage() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup: a document ingested through the real pipeline
            let clerkID = try await site.createUser("clerk1", roles: ["clerk"])
            let input = Applicant(familyName: "山田", familyKana: "ヤマダ", birthDate: "1980-04-01")
            let applicant = try await site.stores.database.transaction { c in try await site.stores.applicants.create(input, on: c) }
            let file = try Data(contentsOf: ArchiveApiTests.scans.appendingPathComponent("two-pages-g4.tif"))
            let outcome = try await site.stores.ingest.ingest(
                [[UInt8](file)].async, applicantID: applicant, applicationID: nil, kind: "application-form", filename: "a.tif",
                audit: AuditEvent(actorUserID: clerkID, actorLogin: "clerk1", action: "document.create"))
            var clerk = Browser(staff)
            try await clerk.login("clerk1")
            // act
            let page = try await clerk.get("/applicants/\(applicant)")
            let viewer = try await clerk.get("/documents/\(outcome.id)")
            let thumbnail = try await clerk.get("/api/v1/documents/\(outcome.id)/pages/1/thumbnail")
            // check
            #expect(page.body.contains("/api/v1/documents/\(outcome.id)/pages/1/thumbnail"))
            #expect(page.body.contains("data-upload="))
            #expect(viewer.status == .ok)
            #expect(viewer.body.contains(#"data-pages="2""#))
            #expect(thumbnail.status == .ok)
            #expect(try await site.auditActions().contains("document.open"))
        }
    }
}

extension Array where Element == [UInt8] {
    /// The chunks as an async sequence, as a request body arrives.
    var async: AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            for chunk in self { continuation.yield(chunk) }
            continuation.finish()
        }
    }
}
