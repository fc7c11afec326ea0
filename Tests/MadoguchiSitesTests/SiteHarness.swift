import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiSites
import MadoguchiTestSupport
import Testing

/// The staff or resident site as it ships (the same builders `serve` uses), on a fresh test
/// database, with a clock the test moves by hand.
struct SiteHarness: Sendable {
    let services: SiteServices
    let clock: ManualTimeSource
    let staffCatalog: RouteCatalog
    let residentCatalog: RouteCatalog

    static let password = "test-password-2026"
    /// bcrypt at cost 12 takes about a quarter of a second: hash the shared test password once.
    static let passwordHash = PasswordHasher().hash(password)

    static func run(configure: @Sendable (inout SiteConfiguration) -> Void = { _ in },
                    _ body: @Sendable (SiteHarness, any TestClientProtocol, any TestClientProtocol) async throws -> Void) async throws {
        try await TestDatabases.shared.withDatabase { database in
            var configuration = SiteConfiguration()
            // Tests run at any hour on any day; the staff-hours tests switch the rule on themselves.
            configuration.staffHours = nil
            // Live streams end quickly so that a test reading one gets its whole body.
            configuration.liveStreamSeconds = 2
            configuration.liveHeartbeatSeconds = 1
            configure(&configuration)
            let clock = ManualTimeSource(Date())
            let logger: Logger = {
                var logger = Logger(label: "test")
                logger.logLevel = .warning
                return logger
            }()
            let blobRoot = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mdg-blobs-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: blobRoot) }
            let services = try await SiteServices(configuration: configuration, database: database,
                                                  blobs: try FileBlobStore(root: blobRoot), clock: clock, logger: logger)
            let (staffRouter, staffCatalog) = try Sites.staffRouter(services)
            let residentCatalog = Sites.residentRouter(services).1
            let harness = SiteHarness(services: services, clock: clock, staffCatalog: staffCatalog, residentCatalog: residentCatalog)
            try await Application(router: staffRouter, logger: logger).test(.router) { staff in
                try await Application(router: Sites.residentRouter(services).0, logger: logger).test(.router) { resident in
                    try await body(harness, staff, resident)
                }
            }
        }
    }

    /// Creates an account with the shared test password; returns its id.
    @discardableResult
    func createUser(_ login: String, roles: [String], mustChange: Bool = false) async throws -> Int64 {
        try await services.database.transaction { connection in
            try await services.users.create(login: login, displayName: "テスト \(login)", passwordHash: Self.passwordHash,
                                            roles: roles, mustChangePassword: mustChange, on: connection)
        }
    }

    func auditActions() async throws -> [String] {
        try await services.database.client.all("SELECT action FROM audit_log ORDER BY id", as: (String).self,
                                               logger: services.logger)
    }
}

/// A cookie-keeping client, like a browser.
struct Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String
        var location: String? { headers[.location] }

        /// The value of the first hidden `_csrf` field on the page.
        var csrf: String {
            guard let range = body.range(of: #"name="_csrf" value="([^"]*)""#, options: .regularExpression) else { return "" }
            return String(body[range].dropFirst(#"name="_csrf" value=""#.count).dropLast())
        }
    }

    mutating func request(_ path: String, method: HTTPRequest.Method = .get, headers extra: HTTPFields = [:],
                          body: String? = nil) async throws -> Page {
        var headers = extra
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(uri: path, method: method, headers: headers,
                                                body: body.map { ByteBuffer(string: $0) })
        for setCookie in response.headers[values: .setCookie] {
            let pair = setCookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || setCookie.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    mutating func get(_ path: String) async throws -> Page {
        try await request(path)
    }

    /// Posts a form; `_csrf` is added from `csrf` when given.
    mutating func post(_ path: String, _ fields: [(String, String)], csrf: String? = nil, json: Bool = false) async throws -> Page {
        var all = fields
        if let csrf { all.append(("_csrf", csrf)) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = HTTPFields()
        if json { headers[.accept] = "application/json" }
        return try await request(path, method: .post, headers: headers, body: body)
    }

    /// Signs in through the login form, as a person would.
    @discardableResult
    mutating func login(_ login: String, password: String = SiteHarness.password) async throws -> Page {
        let form = try await get("/login")
        return try await post("/login", [("login", login), ("password", password), ("next", "/")], csrf: form.csrf)
    }

    /// The CSRF token of the current session, read from the home page.
    mutating func sessionCSRF() async throws -> String {
        try await get("/account/password").csrf
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
