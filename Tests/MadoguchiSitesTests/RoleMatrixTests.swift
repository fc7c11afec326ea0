import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDomain
import MadoguchiSites
import Testing

@Suite("Role matrix: every staff route × every role (E1)")
struct RoleMatrixTests {
    static let roles = ["administrator", "supervisor", "clerk", "viewer"]

    /// A concrete path for a route pattern.
    static func concrete(_ path: String, userID: Int64) -> String {
        path.replacingOccurrences(of: "/assets/:name", with: "/assets/app.css")
            .replacingOccurrences(of: "/admin/roles/:name", with: "/admin/roles/viewer")
            .replacingOccurrences(of: ":id", with: String(userID))
    }

    @Test("each role reaches exactly the routes its permissions allow, and is refused the others with 403")
    func matrix() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            let target = try await site.createUser("target", roles: ["clerk"])
            let grants = Dictionary(uniqueKeysWithValues: try await site.stores.users.roles().map {
                ($0.name, Set($0.permissions.compactMap(Permission.init(rawValue:))))
            })
            let routes = site.staffCatalog.entries
            #expect(routes.count >= 15)
            var checked = 0
            for role in Self.roles {
                try await site.createUser("u-\(role)", roles: [role])
                var browser = Browser(staff)
                try await browser.login("u-\(role)")
                for route in routes where route.access != .anyone {
                    // The second-factor steps belong to half-signed-in sessions, not to roles (LoginTests).
                    if case .signingIn = route.access { continue }
                    // act: no CSRF token and JSON errors, so a write that passes the role check stops at the
                    // CSRF check (changing nothing) and the problem type tells the two refusals apart
                    var headers = HTTPFields()
                    headers[.accept] = "application/json"
                    let response = try await browser.request(Self.concrete(route.path, userID: target), method: route.method,
                                                             headers: headers, body: route.method == .get ? nil : "")
                    let allowed: Bool
                    switch route.access {
                    case .permission(let p): allowed = grants[role, default: []].contains(p)
                    default: allowed = true
                    }
                    // check
                    let refusedByRole = response.status == .forbidden && response.body.contains("/problems/forbidden")
                    #expect(refusedByRole == !allowed, "\(role) \(route.method) \(route.path) → \(response.status.code)")
                    #expect(response.status != .unauthorized, "\(role) \(route.method) \(route.path) signed in but 401")
                    if route.method != .get && allowed {
                        #expect(response.body.contains("/problems/csrf-rejected"), "\(role) \(route.method) \(route.path)")
                    }
                    checked += 1
                }
            }
            let roleRoutes = routes.filter { route in
                if case .signingIn = route.access { return false }
                return route.access != .anyone
            }
            #expect(checked == Self.roles.count * roleRoutes.count)
            #expect(try await site.auditActions().contains("access.denied"))
        }
    }

    @Test("without signing in, pages redirect to the login form and the API answers 401")
    func anonymous() async throws {
        try await SiteHarness.run { site, staff, _ in
            var browser = Browser(staff)
            for route in site.staffCatalog.entries where route.access != .anyone {
                let response = try await browser.request(Self.concrete(route.path, userID: 1), method: route.method,
                                                         body: route.method == .get ? nil : "")
                if route.path.hasPrefix("/api/") {
                    #expect(response.status == .unauthorized, "\(route.path)")
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") ?? false)
                } else {
                    #expect(response.status == .seeOther, "\(route.path)")
                    #expect(response.location?.hasPrefix("/login") ?? false, "\(route.path)")
                }
            }
        }
    }

    @Test("the built-in roles grant what their names promise")
    func builtInRoles() async throws {
        try await SiteHarness.run { site, _, _ in
            let roles = Dictionary(uniqueKeysWithValues: try await site.stores.users.roles().map { ($0.name, Set($0.permissions)) })
            // Everything but the counter agent's one right, which only its own role holds (#15).
            #expect(roles["administrator"] == Set(Permission.allCases.filter { $0 != .cardTerminal }.map(\.rawValue)))
            #expect(roles["card-terminal"] == ["card.terminal"])
            #expect(roles["supervisor"]?.contains("audit.view") == true)
            #expect(roles["supervisor"]?.contains("users.manage") == false)
            #expect(roles["clerk"]?.isSuperset(of: ["booking.write", "documents.view", "ledger.write"]) == true)
            #expect(roles["clerk"]?.contains("audit.view") == false)
            #expect(roles["viewer"]?.allSatisfy { $0.hasSuffix(".view") } == true)
            #expect(roles["viewer"]?.contains("documents.view") == false)
        }
    }
}
