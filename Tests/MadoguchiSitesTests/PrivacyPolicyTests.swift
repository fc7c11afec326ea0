import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDomain
import Testing

/// The privacy gaps of #13: masking by the form, not the label; no individual number in any
/// text that is kept; page images never cached; the registry import is the administrators'.
@Suite("Privacy rules on uploads, audit texts and imports (#13)")
struct PrivacyPolicyTests {
    let api = ArchiveApiTests()

    func tokenFor(_ site: SiteHarness, _ login: String, roles: [String]) async throws -> String {
        let id = try await site.createUser(login, roles: roles)
        return try await site.stores.tokens.create(userID: id, name: login, scopes: Set(Permission.allCases), expiresAt: nil,
                                                   on: site.stores.database.client).token
    }

    @Test("a page with an application ID's QR code uploaded as 'other' is masked like a form; an administrator may store it unmasked")
    func maskFollowsTheForm() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup: the form's individual-number box is configured; the page carries 23-digit QR codes
            try await site.stores.database.transaction { c in
                _ = try await site.stores.documents.addRedaction(kind: "application-form", label: "個人番号欄", page: 1, x: 0, y: 0, width: 0.2,
                                                                   height: 0.1, createdBy: nil, on: c)
            }
            let (clerk, applicant) = try await api.registeredApplicant(site, staff)
            let admin = try await tokenFor(site, "chief", roles: ["administrator"])
            let page = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("fixtures/qr/issuance-list-page.png"))
            // act
            let (byClerk, _, clerkBody) = try await api.send(staff, .post, "/api/v1/applicants/\(applicant)/documents?kind=other", token: clerk, body: page)
            let (byAdmin, _, adminBody) = try await api.send(staff, .post, "/api/v1/applicants/\(applicant)/documents?kind=identity-document",
                                                             token: admin, body: page)
            // check
            #expect(byClerk == .created && byAdmin == .created)
            #expect(api.object(clerkBody)["redacted"] as? Bool == true)
            #expect(api.object(adminBody)["redacted"] as? Bool == false)
            let details = try await site.stores.database.client.all("SELECT detail FROM audit_log WHERE action = 'document.create' ORDER BY id",
                                                                    as: (String).self, logger: site.stores.logger)
            #expect(details.first?.contains("masked-as-application-form") == true)
        }
    }

    @Test("a file name holding an individual number is refused by field, without echoing it, and nothing is stored or logged")
    func fileNameGuard() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let (token, applicant) = try await api.registeredApplicant(site, staff)
            // act
            let (status, _, body) = try await api.send(staff, .post, "/api/v1/applicants/\(applicant)/documents?kind=other&filename=scan-123456789018.tif",
                                                    token: token, body: try ArchiveApiTests.scan("two-pages-g4.tif"))
            // check
            #expect(status == .unprocessableContent)
            let problem = api.object(body)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "filename")
            #expect(!String(decoding: body, as: UTF8.self).contains("123456789018"))
            let names = try await site.stores.database.client.all("SELECT original_filename FROM document", as: (String).self, logger: site.stores.logger)
            #expect(names.isEmpty)
            let audit = try await site.stores.database.client.all("SELECT detail || record_id FROM audit_log", as: (String).self, logger: site.stores.logger)
            #expect(audit.allSatisfy { !IndividualNumber.appears(in: $0) })
        }
    }

    @Test("page images are never cached, and every view — a revalidation too — is in the audit log")
    func pageImagesNoStore() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let (token, applicant) = try await api.registeredApplicant(site, staff)
            let (_, _, created) = try await api.send(staff, .post, "/api/v1/applicants/\(applicant)/documents", token: token,
                                                     body: try ArchiveApiTests.scan("two-pages-g4.tif"))
            let id = try #require(api.object(created)["id"] as? Int)
            // act
            let (status, headers, _) = try await api.send(staff, .get, "/api/v1/documents/\(id)/pages/1/preview", token: token)
            var again = HTTPFields()
            again[.ifNoneMatch] = headers[.eTag] ?? ""
            let (revalidated, _, _) = try await api.send(staff, .get, "/api/v1/documents/\(id)/pages/1/preview", token: token, headers: again)
            // check
            #expect(status == .ok)
            #expect(headers[.cacheControl] == "no-store")
            #expect(revalidated == .notModified)
            #expect(try await site.auditActions().filter { $0 == "document.view" }.count == 2)
        }
    }

    @Test("replacing the registry extract needs registry.import: a supervisor may look people up but not replace the extract")
    func registryImportPermission() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("boss", roles: ["supervisor"])
            try await site.createUser("chief", roles: ["administrator"])
            var supervisor = Browser(staff), admin = Browser(staff)
            try await supervisor.login("boss")
            try await admin.login("chief")
            // act
            let supervisorForm = try await supervisor.get("/ledger/import")
            let adminForm = try await admin.get("/ledger/import")
            // check
            #expect(!supervisorForm.body.contains("value=\"registry\""))
            #expect(adminForm.body.contains("value=\"registry\""))
            #expect(try await supervisor.get("/registry").status == .ok)
        }
    }
}
