import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import Testing

@Suite("Monitoring endpoint (F5)")
struct MetricsTests {
    @Test("/metrics counts requests by route pattern, logins by outcome, personal-data views, and reads shared gauges")
    func scrape() async throws {
        try await SiteHarness.run(configure: { $0.metricsToken = "scrape-secret" }) { site, staff, resident in
            // setup: some traffic
            try await site.createUser("clerk1", roles: ["clerk"])
            var clerk = Browser(staff), visitor = Browser(resident)
            try await clerk.login("clerk1", password: "wrong-password-1")
            try await clerk.login("clerk1")
            let input = Applicant(familyName: "山田", familyKana: "ヤマダ", birthDate: "1980-04-01")
            let id = try await site.stores.database.transaction { c in try await site.stores.applicants.create(input, on: c) }
            _ = try await clerk.get("/applicants/\(id)")
            _ = try await visitor.get("/healthz")
            // act
            var scraper = Browser(staff)
            var bearer = HTTPFields()
            bearer[.authorization] = "Bearer scrape-secret"
            let metrics = try await scraper.request("/metrics", headers: bearer)
            // check
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") ?? false)
            let text = metrics.body
            #expect(text.contains(#"madoguchi_login_attempts_total{outcome="invalid-credentials"} 1"#))
            #expect(text.contains(#"madoguchi_login_attempts_total{outcome="success"} 1"#))
            #expect(text.contains(#"madoguchi_personal_data_views_total{action="applicant.view"} 1"#))
            #expect(text.contains(#"site="resident",method="GET",route="/healthz",status="200""#))
            #expect(!text.contains("route=\"/applicants/\(id)\""), "ids never become labels")
            #expect(text.contains("madoguchi_http_request_duration_seconds_bucket"))
            #expect(text.contains("madoguchi_database_up 1"))
            #expect(text.contains("madoguchi_accounts_locked 0"))
            #expect(text.contains("madoguchi_blob_bytes"))
            // the resident site has no /metrics
            #expect(try await visitor.get("/metrics").status == .notFound)
        }
    }

    @Test("by default /metrics is closed: no token and no session gets 401, a clerk too; an administrator's session may look")
    func closedByDefault() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("admin1", roles: ["administrator"])
            try await site.createUser("clerk1", roles: ["clerk"])
            var anonymous = Browser(staff), admin = Browser(staff), clerk = Browser(staff)
            try await admin.login("admin1")
            try await clerk.login("clerk1")
            // act / check
            #expect(try await anonymous.get("/metrics").status == .unauthorized)
            #expect(try await clerk.get("/metrics").status == .unauthorized)
            #expect(try await admin.get("/metrics").status == .ok)
        }
    }

    @Test("with a metrics token, a scrape without it is refused")
    func token() async throws {
        try await SiteHarness.run(configure: { $0.metricsToken = "scrape-secret" }) { _, staff, _ in
            var scraper = Browser(staff)
            let anonymous = try await scraper.get("/metrics")
            var headers = HTTPFields()
            headers[.authorization] = "Bearer scrape-secret"
            let authorised = try await scraper.request("/metrics", headers: headers)
            #expect(anonymous.status == .unauthorized)
            #expect(authorised.status == .ok)
        }
    }
}
