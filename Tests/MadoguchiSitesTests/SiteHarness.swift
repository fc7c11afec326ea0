import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiServices
import MadoguchiSites
import MadoguchiTestSupport
import Testing

/// The staff or resident site as it ships (the same builders `serve` uses), on a fresh test
/// database, with a clock the test moves by hand.
struct SiteHarness: Sendable {
    let desks: Desks
    let stores: Stores
    /// The staff site's own pool (its role), for tests that act on its connections.
    let staffDatabase: Database
    /// The resident site's pool (its own role, its own health probe).
    let residentDatabase: Database
    let clock: ManualTimeSource
    let staffCatalog: RouteCatalog
    let residentCatalog: RouteCatalog
    /// With `live`, the port the staff site listens on.
    var livePort: Int?

    static let password = "test-password-2026"
    /// bcrypt at cost 12 takes about a quarter of a second: hash the shared test password once.
    static let passwordHash = PasswordHasher().hash(password)

    /// `live` serves the staff site on a real socket (an ephemeral port on 127.0.0.1) with the
    /// listener `serve` uses — connection cap and deadlines — instead of calling the router directly.
    static func run(configure: @Sendable (inout SiteConfiguration) -> Void = { _ in }, live: Bool = false,
                    _ body: @Sendable (SiteHarness, any TestClientProtocol, any TestClientProtocol) async throws -> Void) async throws {
        try await TestDatabases.shared.withSiteDatabases { databases in
            var configuration = SiteConfiguration()
            // Tests run at any hour on any day; the staff-hours tests switch the rule on themselves.
            configuration.staffHours = nil
            // Live streams end quickly so that a test reading one gets its whole body.
            configuration.liveStreamSeconds = 5  // long enough for a booking made meanwhile on a loaded run
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
            let blobs = try FileBlobStore(root: blobRoot)
            let metrics = SiteMetrics()
            // Each site on its own role, as `serve` runs them (#13): a page that needs a table its
            // role may not read fails its test.
            let desks = try Desks(configuration: configuration.service, database: databases.staff, blobs: blobs, secrets: Self.secrets,
                                  role: .staff, clock: clock, metrics: metrics.factory)
            let residentDesks = try Desks(configuration: configuration.service, database: databases.resident, blobs: blobs, secrets: Self.secrets,
                                          role: .resident, clock: clock, metrics: metrics.factory)
            let environment = try await SiteEnvironment(configuration: configuration, desks: desks, metrics: metrics, logger: logger)
            let residentEnvironment = try await SiteEnvironment(configuration: configuration, desks: residentDesks, metrics: metrics, logger: logger)
            let (staffRouter, staffCatalog) = try Sites.staffRouter(environment)
            let residentCatalog = Sites.residentRouter(residentEnvironment).1
            var harness = SiteHarness(desks: desks, stores: Stores(database: databases.owner, desks: desks, blobs: blobs, clock: clock, logger: logger),
                                      staffDatabase: databases.staff, residentDatabase: databases.resident, clock: clock, staffCatalog: staffCatalog, residentCatalog: residentCatalog)
            // Live: the same staff site also listens on a real socket (an ephemeral port on
            // 127.0.0.1) with the listener `serve` uses — connection cap and deadlines.
            let port = PortBox()
            let server = live ? Task {
                let (router, _) = try Sites.staffRouter(environment)
                let application = Application(router: router, server: Sites.server(configuration),
                                              configuration: Sites.listener(configuration, port: 0),
                                              onServerRunning: { channel in port.set(channel.localAddress?.port) }, logger: logger)
                try await application.runService()
            } : nil
            defer { server?.cancel() }
            if live { try await port.wait() }
            harness.livePort = port.value
            let ready = harness
            try await Application(router: staffRouter, logger: logger).test(.router) { staff in
                try await Application(router: Sites.residentRouter(residentEnvironment).0, logger: logger).test(.router) { resident in
                    try await body(ready, StaffClient(inner: staff, clock: clock, steps: StepBook()), resident)
                }
            }
            server?.cancel()
            _ = await server?.result
        }
    }

    /// The keys of every test installation (audit seal, MFA secrets, counters).
    static let secrets = AppSecrets.fixed("madoguchi-tests")

    /// Creates an account with the shared test password and, unless `mfa` is false, a second
    /// factor with the secret `totpSecret(login)` (every role requires one by default, #13);
    /// returns its id.
    @discardableResult
    func createUser(_ login: String, roles: [String], mustChange: Bool = false, mfa: Bool = true) async throws -> Int64 {
        let id = try await stores.database.transaction { connection in
            try await stores.users.create(login: login, displayName: "テスト \(login)", passwordHash: Self.passwordHash,
                                          roles: roles, mustChangePassword: mustChange, on: connection)
        }
        if mfa {
            let sealed = try Self.secrets.sealMFASecret(Self.totpSecret(login), userID: id)
            try await stores.database.client.execute("""
                UPDATE staff_user SET mfa_secret = \(sealed), mfa_enrolled_at = now() WHERE id = \(id)
                """, logger: stores.logger)
        }
        return id
    }

    /// The TOTP secret of a test account (what its authenticator app would hold).
    static func totpSecret(_ login: String) -> [UInt8] {
        Array(SHA256.hash(data: Data("totp:\(login)".utf8)).prefix(20))
    }

    func auditActions() async throws -> [String] {
        try await stores.database.client.all("SELECT action FROM audit_log ORDER BY id", as: (String).self, logger: stores.logger)
    }
}

/// The tables behind the sites, for a test's setup and its checks: the same stores the desks
/// use, on the same database (stores keep no state), plus the app's own live feed and ingest.
struct Stores: Sendable {
    let database: Database
    let desks: Desks
    let blobs: any BlobStore
    let clock: ManualTimeSource
    let logger: Logger

    var users: StaffUserStore { StaffUserStore(database: database) }
    var tokens: ApiTokenStore { ApiTokenStore(database: database, clock: clock) }
    var auditLog: AuditLog { AuditLog(database: database, keyring: SiteHarness.secrets.auditKeys, clock: clock) }
    var applicants: ApplicantStore { ApplicantStore(database: database) }
    var documents: DocumentStore { DocumentStore(database: database) }
    var intakes: IntakeStore { IntakeStore(database: database) }
    var fees: FeeStore { FeeStore(database: database) }
    var notices: NoticeStore { NoticeStore(database: database) }
    var slots: SlotStore { SlotStore(database: database) }
    var bookings: BookingStore { BookingStore(database: database) }
    var storage: StorageStore { StorageStore(database: database) }
    var ledger: LedgerStore { LedgerStore(database: database, storage: storage) }
    /// The app's live feed of booking changes.
    var bookingFeed: BookingDesk { desks.booking }
    /// The app's document pipeline, as the scanning station API drives it.
    var ingest: Ingest { Ingest(archive: desks.archive) }

    struct Ingest: Sendable {
        let archive: ArchiveDesk

        func ingest<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, applicantID: Int64, applicationID: String?, kind: String, filename: String,
                                                      audit: AuditEvent) async throws -> DocumentIngest.Outcome where Chunks.Element == [UInt8] {
            let applicant = try #require(try await archive.applicant(id: applicantID))
            let caller = Caller(site: .staff, identity: audit.actorUserID.map {
                StaffIdentity(userID: $0, login: audit.actorLogin, displayName: audit.actorLogin, permissions: [])
            }, sourceAddress: audit.sourceAddress, requestID: audit.requestID)
            return try await archive.upload(chunks, for: applicant, kind: kind, applicationID: applicationID, intakeID: nil, filename: filename,
                                            caller: caller)
        }
    }
}

/// The port a live server reports once it listens.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?

    func set(_ value: Int?) { lock.withLock { port = value } }
    var value: Int? { lock.withLock { port } }

    func wait() async throws {
        for _ in 0..<500 where value == nil { try await Task.sleep(for: .milliseconds(10)) }
    }
}

/// The staff site's test client: the app itself, plus each test account's authenticator app.
struct StaffClient: TestClientProtocol {
    let inner: any TestClientProtocol
    let clock: ManualTimeSource
    let steps: StepBook

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        try await inner.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

    var port: Int? { inner.port }

    /// A code the site has not seen for this account: each is good once, so a test that signs
    /// in again within the same half minute uses the neighbouring step, and moves the clock on
    /// only when those are used up.
    func nextCode(for login: String) async -> String {
        let totp = TOTP(secret: SiteHarness.totpSecret(login))
        var now = totp.step(at: clock.now())
        let step = await steps.take(login, earliest: now - 1)
        if step > now + 1 {
            clock.advance(by: TimeInterval(step - now - 1) * totp.period)
            now = step - 1
        }
        return totp.code(step: step)
    }
}

/// The steps already used per account.
actor StepBook {
    var used: [String: Int64] = [:]

    func take(_ login: String, earliest: Int64) -> Int64 {
        let step = max(earliest, (used[login] ?? .min) + 1)
        used[login] = step
        return step
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

    /// Signs in through the login form, as a person would, and types the authenticator app's
    /// code when the site asks for the second factor.
    @discardableResult
    mutating func login(_ login: String, password: String = SiteHarness.password) async throws -> Page {
        let form = try await get("/login")
        let page = try await post("/login", [("login", login), ("password", password), ("next", "/")], csrf: form.csrf)
        guard let location = page.location, location.hasPrefix("/login/mfa?"), let staff = client as? StaffClient else { return page }
        return try await secondFactor(location, code: await staff.nextCode(for: login))
    }

    /// Answers the second-factor page at `location` with `code`.
    mutating func secondFactor(_ location: String, code: String) async throws -> Page {
        let step = try await get(location)
        let next = location.components(separatedBy: "next=").last?.removingPercentEncoding ?? "/"
        return try await post("/login/mfa", [("code", code), ("next", next)], csrf: step.csrf)
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
