import Foundation
import HTTPTypes
import Logging
import MadoguchiDatabase
import PostgresNIO
import Testing

/// #14/#19: while the database is away, both sites answer 503 with Retry-After at once — a
/// Japanese page, problem JSON for the API, /healthz within a second — instead of hanging.
@Suite("Database loss: fast 503s")
struct DatabaseLossTests {
    /// A pool aimed at a port nobody listens on: what the app's pool sees while PostgreSQL is down.
    static func unreachable() -> Database {
        let configuration = PostgresClient.Configuration(host: "127.0.0.1", port: 1, username: "madoguchi_staff", password: "x",
                                                         database: "madoguchi", tls: .disable)
        var logger = Logger(label: "test.unreachable")
        logger.logLevel = .critical
        return Database(configuration: configuration, logger: logger)
    }

    @Test("the probe finds an unreachable server down at its first answer, and releases waiters")
    func probe() async throws {
        // setup
        let dead = Self.unreachable()
        let health = DatabaseHealth()
        let pool = Task { await dead.client.run() }
        defer { pool.cancel() }
        // act
        let monitor = Task { await health.monitor(dead) }
        defer { monitor.cancel() }
        await health.whenDown()
        // check
        #expect(!health.isUp)
    }

    @Test("while down: resident page, public API, staff page and /healthz all answer 503 with Retry-After at once, not after the pool's 60 s")
    func fastAnswers() async throws {
        try await SiteHarness.run { site, staff, resident in
            // setup: the sites' probe sees a server that does not answer
            let dead = Self.unreachable()
            let pool = Task { await dead.client.run() }
            defer { pool.cancel() }
            let health = site.desks.operations.databaseHealth, residentHealth = site.residentDatabase.health
            let monitor = Task { await health.monitor(dead) }
            let residentMonitor = Task { await residentHealth.monitor(dead) }
            defer { monitor.cancel(); residentMonitor.cancel() }
            await health.whenDown()
            await residentHealth.whenDown()
            var browser = Browser(resident)
            var staffBrowser = Browser(staff)
            let started = ContinuousClock.now
            // act
            let home = try await browser.get("/")
            let api = try await browser.json("/api/v1/public/bookings", method: .post, ["slotId": 1])
            let login = try await staffBrowser.get("/applicants")
            let healthz = try await browser.get("/healthz")
            let took = ContinuousClock.now - started
            // check
            #expect(home.status == .serviceUnavailable && home.headers[.retryAfter] == "5")
            #expect(home.body.contains("一時的に利用できません"))
            #expect(api.status == .serviceUnavailable)
            #expect(api.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(login.status == .serviceUnavailable)
            #expect(healthz.status == .serviceUnavailable)
            // Without the gate each would wait for the pool (60 s until its circuit breaker trips);
            // the bound leaves room for a loaded 2-core test run.
            #expect(took < .seconds(30), "four answers took \(took)")
        }
    }
}
