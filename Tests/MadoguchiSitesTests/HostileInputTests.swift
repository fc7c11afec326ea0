import Foundation
import HTTPTypes
import MadoguchiDomain
import MadoguchiTestSupport
import PostgresNIO
import Testing

/// Text that PostgreSQL cannot store or that hides what it says (#19): a NUL, a zero-width space,
/// a right-to-left override, an individual number in an unusual spelling. Every entry point
/// answers 4xx naming the field and stores nothing; none answers 500.
@Suite("Hostile input: no 500, nothing stored")
struct HostileInputTests {
    static let hostile = ["山田\u{0000}", "山\u{200B}田", "\u{202E}田山", "1234.5678.9018", "𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎𝟏𝟖", "山田\u{0007}", "山田\u{FEFF}"]

    static func count(_ site: SiteHarness, _ table: String) async throws -> Int {
        try await site.stores.database.client.first(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(table)"), as: (Int).self, logger: site.stores.logger) ?? -1
    }

    @Test("public booking API, resident form, staff pages and staff API: every hostile spelling is a 422 and nothing is stored")
    func everyEntryPoint() async throws {
        try await SiteHarness.run { site, staff, resident in
            // setup
            let day = try await BookableDay.make(site, web: 20, staff: 0)
            let userID = try await site.createUser("chief", roles: ["supervisor"])
            let token = try await site.stores.tokens.create(userID: userID, name: "t", scopes: Set(Permission.allCases), expiresAt: nil,
                                                            on: site.stores.database.client).token
            var api = Browser(resident)
            var browser = Browser(resident)
            var staffAPI = Browser(staff)
            var chief = Browser(staff)
            try await chief.login("chief")
            let csrf = try await chief.sessionCSRF()
            let form = try await browser.get("/book?purpose=application&location=\(day.locationID)&slot=\(day.slotIDs[0])")
            var statuses: [String: [Int]] = [:]
            // act
            for (n, text) in Self.hostile.enumerated() {
                var body = People.json(n + 1, slot: day.slotIDs[0])
                body["familyName"] = text
                statuses["api", default: []].append(Int(try await api.json("/api/v1/public/bookings", method: .post, body).status.code))
                var emailBody = People.json(n + 30, slot: day.slotIDs[0])
                emailBody["email"] = "a\(text)@example.jp"
                statuses["api-email", default: []].append(Int(try await api.json("/api/v1/public/bookings", method: .post, emailBody).status.code))
                let person = ResidentBookingTests.person.map { $0.0 == "givenName" ? ($0.0, text) : $0 }
                statuses["form", default: []].append(Int(try await browser.post("/book/confirm", [("slot", String(day.slotIDs[0]))] + person,
                                                                                 csrf: form.csrf).status.code))
                statuses["applicant", default: []].append(Int(try await chief.post("/applicants", [
                    ("familyName", text), ("givenName", "花子"), ("familyKana", "ヤマダ"), ("givenKana", "ハナコ"), ("birthDate", "1975-12-03"),
                    ("sex", "female")], csrf: csrf).status.code))
                statuses["location-api", default: []].append(Int(try await staffAPI.json("/api/v1/locations", method: .post, ["name": "北町\(text)"],
                                                                                          token: token).status.code))
                let query = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                statuses["audit-query", default: []].append(Int(try await chief.get("/audit?login=\(query)").status.code))
                statuses["path", default: []].append(Int(try await browser.get("/book/done/\(query)").status.code))
            }
            let nulProblem = try await api.json("/api/v1/public/bookings", method: .post,
                                                People.json(90, slot: day.slotIDs[0]).merging(["familyName": "山田\u{0000}"]) { $1 })
            // check: the control and invisible characters are refused at the edge; the individual numbers by the guard
            for (entry, codes) in statuses {
                #expect(codes.allSatisfy { (400..<500).contains($0) }, "\(entry): \(codes)")
                #expect(!codes.contains(500))
            }
            #expect(statuses["api"]?.allSatisfy { $0 == 422 } == true)
            #expect(nulProblem.status == .unprocessableContent && nulProblem.body.contains("familyName") && nulProblem.body.contains("U+0000"))
            #expect(try await Self.count(site, "booking") == 0)
            #expect(try await Self.count(site, "applicant") == 0)
            #expect(try await Self.count(site, "location") == 1, "only the fixture's location")
        }
    }

    @Test("a line break is taken where a field holds several lines (notes) and refused in a one-line field")
    func lineBreaks() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let userID = try await site.createUser("chief", roles: ["supervisor"])
            let token = try await site.stores.tokens.create(userID: userID, name: "t", scopes: Set(Permission.allCases), expiresAt: nil,
                                                            on: site.stores.database.client).token
            var api = Browser(staff)
            // act
            let oneLine = try await api.json("/api/v1/locations", method: .post, ["name": "北町\n窓口"], token: token)
            let guidance = try await api.json("/api/v1/locations", method: .post, ["name": "北町窓口", "guidance": "2階\n受付は左"], token: token)
            // check
            #expect(oneLine.status == .unprocessableContent && oneLine.body.contains("改行"))
            #expect(guidance.status == .created || guidance.status == .ok, "\(guidance.body)")
        }
    }

    @Test("a known address asked with a method it does not take answers 405 with Allow; an unknown address stays 404")
    func methodNotAllowed() async throws {
        try await SiteHarness.run { _, staff, resident in
            // setup
            var browser = Browser(staff)
            var api = Browser(resident)
            // act
            let trace = try await browser.request("/login", method: .trace)
            let put = try await api.request("/api/v1/public/bookings", method: .put, headers: [.accept: "application/json"])
            let unknown = try await browser.request("/no-such-page", method: .trace)
            let page = try await browser.get("/login")
            // check
            #expect(trace.status == .methodNotAllowed && trace.headers[.allow]?.contains("POST") == true && trace.headers[.allow]?.contains("GET") == true)
            #expect(put.status == .methodNotAllowed && put.body.contains("method-not-allowed") && put.headers[.allow] == "POST")
            #expect(unknown.status == .notFound)
            #expect(page.status == .ok)
        }
    }
}
