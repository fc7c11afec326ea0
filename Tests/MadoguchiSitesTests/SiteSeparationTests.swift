import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiSites
import Testing

@Suite("Two sites, health and web hygiene")
struct SiteSeparationTests {
    @Test("no staff route answers on the resident port")
    func noStaffRouteOnResidentPort() async throws {
        try await SiteHarness.run { site, _, resident in
            // setup: every staff route that the resident site does not share (health, assets)
            let shared = Set(site.residentCatalog.entries.map { "\($0.method) \($0.path)" })
            let staffOnly = site.staffCatalog.entries.filter { !shared.contains("\($0.method) \($0.path)") }
            #expect(staffOnly.count >= 15)
            var browser = Browser(resident)
            for route in staffOnly {
                // act
                let response = try await browser.request(RoleMatrixTests.concrete(route.path, userID: 1), method: route.method,
                                                         body: route.method == .get ? nil : "")
                // check: an unknown route, not a login prompt that would reveal the staff site
                #expect(response.status == .notFound, "\(route.method) \(route.path) → \(response.status.code)")
            }
            #expect(site.residentCatalog.entries.allSatisfy { $0.access == .anyone || $0.access == .residentForm })
        }
    }

    @Test("/healthz answers on both sites with the database status")
    func health() async throws {
        try await SiteHarness.run { _, staff, resident in
            for (client, name) in [(staff, "staff"), (resident, "resident")] {
                var browser = Browser(client)
                let response = try await browser.get("/healthz")
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: String]
                #expect(json?["database"] == "ok")
                #expect(json?["site"] == name)
            }
        }
    }

    @Test("security headers are on every response, errors included")
    func headers() async throws {
        try await SiteHarness.run { _, staff, resident in
            for client in [staff, resident] {
                var browser = Browser(client)
                for path in ["/healthz", "/no-such-page", "/assets/app.css"] {
                    let response = try await browser.get(path)
                    let csp = response.headers[.contentSecurityPolicy] ?? ""
                    #expect(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "\(path)")
                    #expect(!csp.contains("http"), "no outside sources")
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] != nil)
                    #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                }
            }
        }
    }

    @Test("an error page shows a reference id and nothing internal")
    func errorPage() async throws {
        try await SiteHarness.run { _, staff, _ in
            var browser = Browser(staff)
            let page = try await browser.get("/no-such-page")
            #expect(page.status == .notFound)
            let requestID = page.headers[HTTPField.Name("X-Request-ID")!] ?? "missing"
            #expect(page.body.contains("参照番号"))
            #expect(page.body.contains(requestID))
            #expect(!page.body.contains("Error"))
            #expect(!page.body.contains("HTTPError"))
            let api = try await browser.get("/api/v1/no-such")
            #expect(api.headers[.contentType]?.hasPrefix("application/problem+json") ?? false)
        }
    }

    @Test("assets are served by the app with an ETag and 304 on revalidation")
    func assets() async throws {
        try await SiteHarness.run { _, staff, _ in
            var browser = Browser(staff)
            let css = try await browser.get("/assets/app.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            var headers = HTTPFields()
            headers[.ifNoneMatch] = css.headers[.eTag]!
            #expect(try await browser.request("/assets/app.css", headers: headers).status == .notModified)
            #expect(try await browser.get("/assets/../Package.swift").status == .notFound)
        }
    }
}
