import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDatabase
import MadoguchiDomain
import Testing

@Suite("API tokens and the JSON API")
struct ApiTokenTests {
    func token(_ site: SiteHarness, login: String, roles: [String], expires: Date? = nil) async throws -> (Int64, String) {
        let id = try await site.createUser(login, roles: roles)
        let created = try await site.stores.tokens.create(userID: id, name: "scanner", scopes: Set(Permission.allCases), expiresAt: expires,
                                                            on: site.stores.database.client)
        return (created.id, created.token)
    }

    func call(_ client: any TestClientProtocol, _ path: String, token: String?) async throws -> Browser.Page {
        var browser = Browser(client)
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await browser.request(path, headers: headers)
    }

    @Test("a bearer token acts as its owner with the owner's roles")
    func bearer() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let (_, adminToken) = try await token(site, login: "scan-admin", roles: ["administrator"])
            let (_, viewerToken) = try await token(site, login: "scan-viewer", roles: ["viewer"])
            // act
            let me = try await call(staff, "/api/v1/me", token: viewerToken)
            let usersAsAdmin = try await call(staff, "/api/v1/users", token: adminToken)
            let usersAsViewer = try await call(staff, "/api/v1/users", token: viewerToken)
            // check
            #expect(me.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(me.body.utf8)) as? [String: Any]
            #expect(json?["login"] as? String == "scan-viewer")
            #expect(usersAsAdmin.status == .ok)
            #expect(usersAsAdmin.body.contains("scan-viewer"))
            #expect(usersAsViewer.status == .forbidden)
            #expect(usersAsViewer.headers[.contentType]?.hasPrefix("application/problem+json") ?? false)
            #expect(try await site.auditActions().contains("user.list"))
        }
    }

    @Test("unknown, revoked and expired tokens get 401 problem+json", arguments: ["unknown", "revoked", "expired"])
    func refused(kind: String) async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let (id, value) = try await token(site, login: "scan", roles: ["administrator"],
                                              expires: site.clock.now().addingTimeInterval(3600))
            var presented = value
            switch kind {
            case "unknown": presented = ApiTokenStore.prefix + SecureToken.generate()
            case "revoked": _ = try await site.stores.tokens.revoke(id: id, on: site.stores.database.client)
            default: site.clock.advance(by: 3601)
            }
            // act
            let response = try await call(staff, "/api/v1/me", token: presented)
            // check
            #expect(response.status == .unauthorized)
            #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") ?? false)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") ?? false)
            #expect(response.body.contains("\"status\":401"))
        }
    }

    @Test("a bearer token does not open the HTML pages")
    func notForPages() async throws {
        try await SiteHarness.run { site, staff, _ in
            let (_, value) = try await token(site, login: "scan", roles: ["administrator"])
            let response = try await call(staff, "/admin/users", token: value)
            #expect(response.status == .seeOther)
        }
    }

    @Test("the OpenAPI document is served and describes every /api/v1 route")
    func openAPI() async throws {
        try await SiteHarness.run { site, staff, _ in
            let response = try await call(staff, "/api/v1/openapi.json", token: nil)
            #expect(response.status == .ok)
            let document = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
            let paths = (document?["paths"] as? [String: Any]) ?? [:]
            for route in (site.staffCatalog.entries + site.residentCatalog.entries) where route.path.hasPrefix("/api/v1/") {
                let documented = "/" + route.path.dropFirst("/api/v1/".count).replacingOccurrences(
                    of: #":([a-zA-Z]+)"#, with: "{$1}", options: .regularExpression)
                let operations = paths[documented] as? [String: Any]
                #expect(operations?[route.method.rawValue.lowercased()] != nil, "\(route.method) \(route.path) missing from openapi.json")
            }
        }
    }
}
