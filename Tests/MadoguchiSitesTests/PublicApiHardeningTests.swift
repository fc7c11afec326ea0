import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDomain
import Testing

@Suite("Public API hardening (#13)")
struct PublicApiHardeningTests {
    @Test("a cross-site text/plain or form post to the booking API is refused and books nothing; a foreign Origin is refused")
    func crossSite() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup
            let bookable = try await BookableDay.make(site, web: 5, staff: 0, slotCount: 1)
            let body = String(decoding: try JSONSerialization.data(withJSONObject: People.json(1, slot: bookable.slotIDs[0])), as: UTF8.self)
            var api = Browser(resident)
            // act: what a page on another site can send without a CORS preflight
            var plain = HTTPFields()
            plain[.contentType] = "text/plain"
            plain[.origin] = "https://evil.example"
            let textPlain = try await api.request("/api/v1/public/bookings", method: .post, headers: plain, body: body)
            var form = HTTPFields()
            form[.contentType] = "application/x-www-form-urlencoded"
            let formPost = try await api.request("/api/v1/public/bookings", method: .post, headers: form, body: "slotId=1")
            var foreign = HTTPFields()
            foreign[.origin] = "https://evil.example"
            let foreignJSON = try await api.json("/api/v1/public/bookings", method: .post, People.json(2, slot: bookable.slotIDs[0]), headers: foreign)
            var fetchSite = HTTPFields()
            fetchSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            let crossFetch = try await api.json("/api/v1/public/bookings", method: .post, People.json(3, slot: bookable.slotIDs[0]), headers: fetchSite)
            var sameSite = HTTPFields()
            sameSite[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
            let own = try await api.json("/api/v1/public/bookings", method: .post, People.json(4, slot: bookable.slotIDs[0]), headers: sameSite)
            // check
            #expect(textPlain.status == .unsupportedMediaType)
            #expect(textPlain.body.contains("/problems/unsupported-media-type"))
            #expect(formPost.status == .unsupportedMediaType)
            #expect(foreignJSON.status == .forbidden)
            #expect(foreignJSON.body.contains("/problems/cross-site-request"))
            #expect(crossFetch.status == .forbidden)
            #expect(own.status == .created)
            let count = try await site.stores.database.client.first("SELECT count(*)::int FROM booking", as: (Int).self, logger: site.stores.logger)
            #expect(count == 1)
        }
    }

    @Test("an origin the city names (its app) passes the browser's preflight and may post; another origin gets no CORS answer")
    func allowedOrigin() async throws {
        try await SiteHarness.run(configure: { $0.publicAPIOrigins = ["https://app.city.example.lg.jp"] }) { site, _, resident in
            // setup
            let bookable = try await BookableDay.make(site, web: 5, staff: 0, slotCount: 1)
            var api = Browser(resident)
            var headers = HTTPFields()
            headers[.origin] = "https://app.city.example.lg.jp"
            var preflight = headers
            preflight[.accessControlRequestMethod] = "POST"
            preflight[.accessControlRequestHeaders] = "content-type, idempotency-key"
            var foreign = preflight
            foreign[.origin] = "https://evil.example"
            // act
            let allowed = try await api.request("/api/v1/public/bookings", method: .options, headers: preflight)
            let refused = try await api.request("/api/v1/public/bookings", method: .options, headers: foreign)
            let created = try await api.json("/api/v1/public/bookings", method: .post, People.json(1, slot: bookable.slotIDs[0]), headers: headers)
            // check
            #expect(allowed.status == .noContent)
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://app.city.example.lg.jp")
            #expect(allowed.headers[.accessControlAllowHeaders]?.contains("Idempotency-Key") == true)
            #expect(refused.headers[.accessControlAllowOrigin] == nil)
            #expect(created.status == .created)
            #expect(created.headers[.accessControlAllowOrigin] == "https://app.city.example.lg.jp")
            #expect(created.headers[.accessControlExposeHeaders]?.contains("Location") == true)
        }
    }

    @Test("a booking code locks after five wrong dates of birth, even from different addresses, and the right one then waits too")
    func codeLocks() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup
            let bookable = try await BookableDay.make(site, web: 5, staff: 0, slotCount: 1)
            var api = Browser(resident)
            let created = try await api.json("/api/v1/public/bookings", method: .post, People.json(1, slot: bookable.slotIDs[0]))
            let code = try #require(created.json["code"] as? String)
            let birth = People.json(1, slot: 0)["birthDate"] as! String
            // act: five guesses, each from another address behind no proxy (the counter is per code)
            var answers: [HTTPResponse.Status] = []
            for year in 1990..<1995 {
                answers.append(try await api.json("/api/v1/public/bookings/\(code)?birthDate=\(year)-01-01").status)
            }
            let right = try await api.json("/api/v1/public/bookings/\(code)?birthDate=\(birth)")
            site.clock.advance(by: 31 * 60)
            let later = try await api.json("/api/v1/public/bookings/\(code)?birthDate=\(birth)")
            // check
            #expect(answers == Array(repeating: .notFound, count: 5))
            #expect(right.status == .tooManyRequests)
            #expect(later.status == .ok)
            #expect(try await site.auditActions().contains("booking.lookup-locked"))
            let stored = try await site.stores.database.client.all("SELECT code_hash FROM lookup_failure", as: (String).self, logger: site.stores.logger)
            #expect(!stored.contains(code), "only a keyed hash of the code is kept")
        }
    }
}
