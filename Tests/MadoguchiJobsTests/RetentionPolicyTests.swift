import Foundation
import MadoguchiJobs
import Testing

@Suite("Snapshot retention: 7 daily, 4 weekly, 12 monthly")
struct RetentionPolicyTests {
    @Test("a year and a half of nightly snapshots plus extra manual ones thins out as the policy says")
    func thinning() {
        // setup: one snapshot a night at 02:00 Tokyo for 540 nights, and three manual ones on the last day
        let last = ISO8601DateFormatter().date(from: "2026-11-28T17:00:00Z")!  // 2026-11-29 02:00 JST
        var snapshots: [(id: String, at: Date)] = (0..<540).map { ("n\($0)", last.addingTimeInterval(-Double($0) * 86_400)) }
        snapshots += [("m1", last.addingTimeInterval(3600)), ("m2", last.addingTimeInterval(7200)), ("m3", last.addingTimeInterval(10_800))]
        // act
        let keep = RetentionPolicy().keep(snapshots)
        // check: the newest, one per day for the last 7 days, nothing older than a year
        #expect(keep.contains("m3"))
        #expect(!keep.contains("m1") && !keep.contains("m2"), "only the newest of a day is kept")
        for day in 1...6 { #expect(keep.contains("n\(day)")) }
        #expect(keep.count <= 7 + 4 + 12)
        #expect(keep.count >= 7 + 2 + 10)
        let kept = snapshots.filter { keep.contains($0.id) }
        #expect(kept.allSatisfy { last.timeIntervalSince($0.at) < 366 * 86_400 })
        #expect(kept.contains { last.timeIntervalSince($0.at) > 300 * 86_400 }, "a monthly from about a year ago")
    }

    @Test("nothing is pruned while there are fewer snapshots than the policy keeps")
    func fewSnapshots() {
        let now = Date()
        let snapshots = (0..<3).map { (id: "s\($0)", at: now.addingTimeInterval(-Double($0) * 86_400)) }
        #expect(RetentionPolicy().keep(snapshots) == ["s0", "s1", "s2"])
        #expect(RetentionPolicy(daily: 1, weekly: 0, monthly: 0).keep(snapshots) == ["s0"])
    }
}
