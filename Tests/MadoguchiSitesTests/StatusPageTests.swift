import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDatabase
import Testing

@Suite("Status page and snapshot metrics (F4, F5)")
struct StatusPageTests {
    @Test("the last snapshot, its age and the last verify are on the status page and in /metrics")
    func status() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup: a snapshot finished and a verify that found a problem
            let runs = JobRunStore(database: site.stores.database)
            let snapshot = try #require(try await runs.start(kind: "snapshot", trigger: "schedule", night: "2026-11-29"))
            try await runs.finish(snapshot, ok: true, snapshotID: "20261129-020000", detail: "rows=10 blobs=0 pruned=0")
            let verify = try #require(try await runs.start(kind: "verify", trigger: "command"))
            try await runs.finish(verify, ok: false, detail: "checked=3 corrupt=1 missing=0 orphans=0")
            site.clock.advance(by: 3 * 3600)
            try await site.createUser("ops", roles: ["administrator"])
            var browser = Browser(staff)
            try await browser.login("ops")
            // act
            let page = try await browser.get("/admin/status")
            let metrics = try await browser.get("/metrics")
            // check
            #expect(page.status == .ok)
            #expect(page.body.contains("20261129-020000"))
            #expect(page.body.contains("3.0時間前"))
            #expect(page.body.contains("異常あり"))
            // The run's finish time is the database's clock, the age the app's (moved 3 h on): within a minute of 10800 s.
            let ageLine = metrics.body.split(separator: "\n").first { $0.hasPrefix("madoguchi_snapshot_age_seconds ") }
            let age = try #require(ageLine.flatMap { Double($0.split(separator: " ")[1]) })
            #expect(abs(age - 10_800) < 60, "age \(age)")
            #expect(metrics.body.contains("madoguchi_verify_last_ok 0"))
        }
    }

    @Test("a second scheduled run for the same night is refused by the database")
    func onceANight() async throws {
        try await SiteHarness.run { site, _, _ in
            let runs = JobRunStore(database: site.stores.database)
            let first = try await runs.start(kind: "snapshot", trigger: "schedule", night: "2026-11-30")
            let second = try await runs.start(kind: "snapshot", trigger: "schedule", night: "2026-11-30")
            let manual = try await runs.start(kind: "snapshot", trigger: "command")
            #expect(first != nil)
            #expect(second == nil)
            #expect(manual != nil)
        }
    }
}
