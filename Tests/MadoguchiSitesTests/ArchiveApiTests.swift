import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiServices
import MadoguchiSites
import PostgresNIO
import Testing

/// Scanning-station API: applicants and document uploads, end to end through the real blob
/// store, the real image decoders and PostgreSQL.
@Suite("Archive API (B4-B6)")
struct ArchiveApiTests {
    static let scans = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/scans")

    static func scan(_ name: String) throws -> Data { try Data(contentsOf: scans.appendingPathComponent(name)) }

    /// A clerk's bearer token.
    func clerkToken(_ site: SiteHarness) async throws -> String {
        let id = try await site.createUser("scanner", roles: ["clerk"])
        return try await site.stores.tokens.create(userID: id, name: "scanner", scopes: Set(Permission.allCases), expiresAt: nil, on: site.stores.database.client).token
    }

    func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, token: String,
              json: String? = nil, body: Data? = nil, headers extra: HTTPFields = [:]) async throws -> (HTTPResponse.Status, HTTPFields, Data) {
        var headers = extra
        headers[.authorization] = "Bearer \(token)"
        if json != nil { headers[.contentType] = "application/json" }
        let buffer = json.map { ByteBuffer(string: $0) } ?? body.map { ByteBuffer(bytes: $0) }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: buffer)
        return (response.status, response.headers, Data(buffer: response.body))
    }

    func object(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// A clerk's token and a registered applicant (山田太郎), as most tests start.
    func registeredApplicant(_ site: SiteHarness, _ staff: any TestClientProtocol) async throws -> (String, Int) {
        let token = try await clerkToken(site)
        let (_, _, created) = try await send(staff, .post, "/api/v1/applicants", token: token, json: Self.yamada)
        return (token, object(created)["id"] as? Int ?? 0)
    }

    static let yamada = #"{"familyName":"山田","givenName":"太郎","familyKana":"やまだ","givenKana":"タロウ","birthDate":"1980-04-01","sex":"male","applicationIDs":["1234 5678 9012 3456 7890 123"]}"#

    func countRows(_ site: SiteHarness, _ table: String) async throws -> Int {
        try await site.stores.database.client.first(PostgresQueryFor.count(table), as: (Int).self, logger: site.stores.logger) ?? -1
    }

    @Test("register an applicant; kana is stored as katakana and the application ID as 23 digits")
    func createApplicant() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let token = try await clerkToken(site)
            // act
            let (status, headers, body) = try await send(staff, .post, "/api/v1/applicants", token: token, json: Self.yamada)
            // check
            #expect(status == .created)
            let id = object(body)["id"] as? Int64 ?? Int64(object(body)["id"] as? Int ?? 0)
            #expect(headers[.location] == "/api/v1/applicants/\(id)")
            let applicant = try await site.stores.applicants.find(id: id)
            #expect(applicant?.familyKana == "ヤマダ")
            #expect(applicant?.applicationIDs == ["12345678901234567890123"])
            let found = try await site.stores.applicants.search(kana: "やまだた", name: nil, birthDate: nil, applicationID: nil)
            #expect(found.map(\.id) == [id])
            #expect(try await site.auditActions().contains("applicant.create"))
        }
    }

    @Test("invalid applicant fields are all named, and nothing is stored")
    func invalidApplicant() async throws {
        try await SiteHarness.run { site, staff, _ in
            let token = try await clerkToken(site)
            let bad = #"{"familyName":"","familyKana":"山田","birthDate":"2025-02-29","notes":"番号 123456789018","applicationIDs":["123"]}"#
            let (status, headers, body) = try await send(staff, .post, "/api/v1/applicants", token: token, json: bad)
            #expect(status == .unprocessableContent)
            #expect(headers[.contentType]?.hasPrefix("application/problem+json") ?? false)
            let fields = Set(((object(body)["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["familyName", "familyKana", "birthDate", "notes", "applicationIds"])
            #expect(try await countRows(site, "applicant") == 0)
            let (malformed, _, _) = try await send(staff, .post, "/api/v1/applicants", token: token, json: "{not json")
            #expect(malformed == .badRequest)
        }
    }

    @Test("a 3-page TIFF is stored once by content, with a preview and thumbnail per page, served with ETag and audited")
    func uploadAndView() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let (token, applicant) = try await registeredApplicant(site, staff)
            let file = try Self.scan("form-3pages.tif")
            // act
            let (status, _, body) = try await send(staff, .post, "/api/v1/applicants/\(applicant)/documents?kind=application-form&filename=scan001.tif",
                                                   token: token, body: file)
            // check
            #expect(status == .created)
            let result = object(body)
            #expect(result["sha256"] as? String == SHA256.hash(data: file).map { String(format: "%02x", $0) }.joined())
            #expect(result["pageCount"] as? Int == 3)
            #expect(result["duplicate"] as? Bool == false)
            let documentID = result["id"] as? Int ?? 0

            let (listStatus, _, list) = try await send(staff, .get, "/api/v1/applicants/\(applicant)/documents", token: token)
            #expect(listStatus == .ok)
            let documents = (try JSONSerialization.jsonObject(with: list) as? [[String: Any]]) ?? []
            #expect(documents.count == 1)
            #expect((documents.first?["pages"] as? [String])?.count == 3)

            let (previewStatus, previewHeaders, png) = try await send(staff, .get, "/api/v1/documents/\(documentID)/pages/2/preview", token: token)
            #expect(previewStatus == .ok)
            #expect(previewHeaders[.contentType] == "image/png")
            #expect(previewHeaders[.cacheControl] == "no-store")
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            var conditional = HTTPFields()
            conditional[.ifNoneMatch] = previewHeaders[.eTag]!
            let (revalidated, _, _) = try await send(staff, .get, "/api/v1/documents/\(documentID)/pages/2/preview", token: token, headers: conditional)
            #expect(revalidated == .notModified)
            let (missing, _, _) = try await send(staff, .get, "/api/v1/documents/\(documentID)/pages/4/preview", token: token)
            #expect(missing == .notFound)

            // 1 original + 3 previews + 3 thumbnails, all known to the database
            #expect(try await site.stores.blobs.enumerate(after: nil, limit: 100).count == 7)
            #expect(try await countRows(site, "blob") == 7)
            let actions = try await site.auditActions()
            #expect(actions.filter { $0 == "document.view" }.count == 2)
            #expect(actions.contains("document.create") && actions.contains("document.list"))
        }
    }

    @Test("the same file uploaded twice is stored once and linked twice")
    func duplicate() async throws {
        try await SiteHarness.run { site, staff, _ in
            let (token, applicant) = try await registeredApplicant(site, staff)
            let file = try Self.scan("photo-orientation6.jpg")
            let (first, _, _) = try await send(staff, .post, "/api/v1/applicants/\(applicant)/documents?kind=identity-document", token: token, body: file)
            let (second, _, body) = try await send(staff, .post, "/api/v1/applicants/\(applicant)/documents?kind=other", token: token, body: file)
            #expect(first == .created && second == .created)
            #expect(object(body)["duplicate"] as? Bool == true)
            #expect(try await countRows(site, "document") == 2)
            #expect(try await site.stores.blobs.enumerate(after: nil, limit: 100).count == 3)
        }
    }

    @Test("damaged, disguised and PDF files get 422 and leave nothing behind",
          arguments: ["truncated-form-3pages.tif", "truncated-photo-orientation6.jpg", "truncated-interlaced.png", "not-an-image.jpg",
                      "scan.pdf", "huge-dimensions.tif", "broken-crc.png", "archive-named.tif", "bomb-20-blank-pages.tif"])
    func refused(name: String) async throws {
        try await SiteHarness.run { site, staff, _ in
            let (token, applicant) = try await registeredApplicant(site, staff)
            let (status, headers, body) = try await send(staff, .post, "/api/v1/applicants/\(applicant)/documents", token: token,
                                                         body: try Self.scan(name))
            #expect(status == .unprocessableContent)
            #expect(headers[.contentType]?.hasPrefix("application/problem+json") ?? false)
            #expect(String(decoding: body, as: UTF8.self).contains("\"field\":\"file\""))
            #expect(try await countRows(site, "document") == 0)
            #expect(try await countRows(site, "blob") == 0)
            #expect(try await site.stores.blobs.enumerate(after: nil, limit: 10).isEmpty)
        }
    }

    @Test("two concurrent uploads of the same file both succeed and share one blob")
    func concurrentSameFile() async throws {
        try await SiteHarness.run { site, staff, _ in
            let (token, applicant) = try await registeredApplicant(site, staff)
            let file = try Self.scan("two-pages-g4.tif")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<2 {
                    group.addTask { try await send(staff, .post, "/api/v1/applicants/\(applicant)/documents", token: token, body: file).0 }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses == [.created, .created])
            #expect(try await countRows(site, "document") == 2)
            // 1 original + 2 previews + 2 thumbnails (identical G4 pages may even share)
            let stored = try await site.stores.blobs.enumerate(after: nil, limit: 100).count
            #expect(stored <= 5 && stored >= 3)
            #expect(try await countRows(site, "blob") == stored)
        }
    }

    @Test("verify finds nothing wrong after uploads, then reports a changed, a missing and an orphan blob")
    func verify() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let (token, applicant) = try await registeredApplicant(site, staff)
            let (_, _, body) = try await send(staff, .post, "/api/v1/applicants/\(applicant)/documents", token: token,
                                              body: try Self.scan("form-3pages.tif"))
            let original = object(body)["sha256"] as? String ?? ""
            let store = site.stores.blobs as! FileBlobStore
            let verifier = ArchiveVerifier(blobs: store, documents: site.stores.documents)
            let clean = try await verifier.verify()
            // act: damage the store by hand
            let pages = try await site.stores.documents.pages(documentID: 1)
            let originalPath = store.path(for: BlobRef(hex: original)!)
            chmod(originalPath, 0o644)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: originalPath))
            bytes[100] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: originalPath))
            _ = try await store.remove(BlobRef(hex: pages[0].thumbnailSHA256)!)
            let orphan = try await store.put(Data("left by a crash before the row".utf8))
            let damaged = try await verifier.verify()
            // check
            #expect(clean.isHealthy && clean.checked == 7 && clean.orphans.isEmpty)
            #expect(damaged.corrupt == [original])
            #expect(damaged.missing == [pages[0].thumbnailSHA256])
            #expect(damaged.orphans.map(\.ref) == [orphan.ref])
            #expect(!damaged.isHealthy)
        }
    }

    @Test("an upload over the size limit is refused with 413 and nothing is stored")
    func tooLarge() async throws {
        try await SiteHarness.run(configure: { $0.maxUploadBytes = 10_000 }) { site, staff, _ in
            let (token, applicant) = try await registeredApplicant(site, staff)
            let (status, _, _) = try await send(staff, .post, "/api/v1/applicants/\(applicant)/documents", token: token,
                                                body: try Self.scan("form-3pages.tif"))
            #expect(status == .contentTooLarge)
            #expect(try await site.stores.blobs.enumerate(after: nil, limit: 10).isEmpty)
        }
    }

    @Test("a document can be filed under the applicant's own intake record, never someone else's")
    func intakeLink() async throws {
        try await SiteHarness.run { site, staff, _ in
            let token = try await clerkToken(site)
            let (_, _, first) = try await send(staff, .post, "/api/v1/applicants", token: token, json: Self.yamada)
            let (_, _, second) = try await send(staff, .post, "/api/v1/applicants", token: token,
                                                json: #"{"familyName":"佐藤","familyKana":"サトウ","birthDate":"1990-01-01"}"#)
            let yamada = Int64(object(first)["id"] as? Int ?? 0), sato = Int64(object(second)["id"] as? Int ?? 0)
            let intake = try await site.stores.database.transaction { c in
                try await site.stores.intakes.create(applicantID: yamada, .init(
                    applicationID: "12345678901234567890123", channel: .counter, receivedOn: CalendarDate("2026-11-01")!, locationID: nil,
                    sessionID: nil, identityVerified: true, notes: ""), staffUserID: nil, on: c)
            }
            let file = try Self.scan("cmyk.jpg")
            let (wrong, _, _) = try await send(staff, .post, "/api/v1/applicants/\(sato)/documents?intakeId=\(intake)", token: token, body: file)
            let (right, _, body) = try await send(staff, .post, "/api/v1/applicants/\(yamada)/documents?intakeId=\(intake)", token: token, body: file)
            #expect(wrong == .unprocessableContent)
            #expect(right == .created)
            let document = try await site.stores.documents.find(id: Int64(object(body)["id"] as? Int ?? 0))
            #expect(document?.intakeID == intake)
            #expect(document?.applicationID == "12345678901234567890123")
        }
    }

    @Test("an upload labelled as a form (curl --data-binary's default) is still streamed as the file, past the form size limit")
    func uploadWithFormContentType() async throws {
        try await SiteHarness.run(configure: { $0.maxFormBytes = 10_000 }) { site, staff, _ in
            let (token, applicant) = try await registeredApplicant(site, staff)
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            let (status, _, body) = try await send(staff, .post, "/api/v1/applicants/\(applicant)/documents", token: token,
                                                   body: try Self.scan("form-3pages.tif"), headers: headers)
            #expect(status == .created)
            #expect(object(body)["pageCount"] as? Int == 3)
        }
    }

    @Test("uploading to an unknown applicant is 404")
    func unknownApplicant() async throws {
        try await SiteHarness.run { site, staff, _ in
            let token = try await clerkToken(site)
            let (status, _, _) = try await send(staff, .post, "/api/v1/applicants/999/documents", token: token, body: try Self.scan("cmyk.jpg"))
            #expect(status == .notFound)
        }
    }
}

/// Row counts for checks (table names are fixed strings in the tests, never input).
enum PostgresQueryFor {
    static func count(_ table: String) -> PostgresQuery { PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)") }
}
