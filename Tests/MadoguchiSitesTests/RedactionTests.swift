import Foundation
import Hummingbird
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging
import MadoguchiServices
import MadoguchiSites
import Testing

@Suite("Redaction of the individual-number area (privacy rule)")
struct RedactionTests {
    @Test("with a region configured for application forms, only the masked file is stored, and previews show the mask")
    func maskedOnUpload() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup: an administrator configures the top-right quarter of page 1
            try await site.createUser("admin1", roles: ["administrator"])
            var admin = Browser(staff)
            try await admin.login("admin1")
            let csrf = try await admin.get("/admin/redaction").csrf
            let bad = try await admin.post("/admin/redaction", [("kind", "application-form"), ("page", "1"), ("x", "80"), ("y", "0"),
                                                                ("width", "40"), ("height", "25")], csrf: csrf)
            let added = try await admin.post("/admin/redaction", [("kind", "application-form"), ("label", "個人番号欄"), ("page", "1"),
                                                                  ("x", "50"), ("y", "0"), ("width", "50"), ("height", "25")], csrf: csrf)
            #expect(bad.status == .unprocessableContent)
            #expect(added.status == .seeOther)
            let input = Applicant(familyName: "山田", familyKana: "ヤマダ", birthDate: "1980-04-01")
            let applicant = try await site.stores.database.transaction { c in try await site.stores.applicants.create(input, on: c) }
            let file = try Data(contentsOf: ArchiveApiTests.scans.appendingPathComponent("form-3pages.tif"))
            // act
            let outcome = try await site.stores.ingest.ingest(
                [[UInt8](file)].async, applicantID: applicant, applicationID: nil, kind: "application-form", filename: "f.tif",
                audit: AuditEvent(actorUserID: nil, actorLogin: "scanner", action: "document.create"))
            let identity = try await site.stores.ingest.ingest(
                [[UInt8](file)].async, applicantID: applicant, applicationID: nil, kind: "identity-document", filename: "f.tif",
                audit: AuditEvent(actorUserID: nil, actorLogin: "scanner", action: "document.create"))
            // check: the application form was stored masked, the upload itself is gone
            #expect(outcome.redacted)
            #expect(outcome.sha256 != BlobRef.of(file).hex)
            #expect(!identity.redacted, "other kinds are not masked")
            #expect(identity.sha256 == BlobRef.of(file).hex)
            let stored = try await site.stores.blobs.get(BlobRef(hex: outcome.sha256)!, verify: true)
            let image = try ScannedImage(data: stored)
            #expect(image.pageCount == 3)
            let pixel = try image.pixels(page: 0).pixel(x: 700, y: 100)
            #expect(pixel.r == 0 && pixel.g == 0 && pixel.b == 0)
            #expect(try await site.stores.documents.find(id: outcome.id)?.redacted == true)
            #expect(try await ArchiveVerifier(blobs: site.stores.blobs, documents: site.stores.documents).verify().isHealthy)
        }
    }

    @Test("after the unmasked kind stored it, the same file uploaded as a masked kind keeps the earlier blob")
    func sharedOriginalIsKept() async throws {
        try await SiteHarness.run { site, staff, _ in
            try await site.stores.database.transaction { c in
                _ = try await site.stores.documents.addRedaction(kind: "application-form", label: "", page: 0, x: 0, y: 0, width: 0.1,
                                                                   height: 0.1, createdBy: nil, on: c)
            }
            let input = Applicant(familyName: "山田", familyKana: "ヤマダ", birthDate: "1980-04-01")
            let applicant = try await site.stores.database.transaction { c in try await site.stores.applicants.create(input, on: c) }
            let file = try Data(contentsOf: ArchiveApiTests.scans.appendingPathComponent("cmyk.jpg"))
            let event = AuditEvent(actorUserID: nil, actorLogin: "scanner", action: "document.create")
            _ = try await site.stores.ingest.ingest([[UInt8](file)].async, applicantID: applicant, applicationID: nil, kind: "other",
                                                      filename: "", audit: event)
            _ = try await site.stores.ingest.ingest([[UInt8](file)].async, applicantID: applicant, applicationID: nil,
                                                      kind: "application-form", filename: "", audit: event)
            #expect(try await site.stores.blobs.stat(BlobRef.of(file)) != nil)
        }
    }
}
