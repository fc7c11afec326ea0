import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain

/// The nightly snapshot (F4) inside `serve`: once the configured Tokyo time has passed, the
/// night's snapshot is taken (late if the server was down at that time), then old ones are
/// pruned. Exactly once a night across all instances: the run is claimed by inserting this
/// night's row into `job_run`, where a unique index lets only one instance succeed.
public struct NightlySnapshots: Sendable {
    public let snapshotter: Snapshotter
    public let runs: JobRunStore
    public let policy: RetentionPolicy
    /// Minutes after midnight, Tokyo time.
    public let minuteOfDay: Int
    public let blobCopy: URL?
    public let logger: Logger

    public init(snapshotter: Snapshotter, runs: JobRunStore, policy: RetentionPolicy, minuteOfDay: Int = 120, blobCopy: URL? = nil,
                logger: Logger) {
        self.snapshotter = snapshotter
        self.runs = runs
        self.policy = policy
        self.minuteOfDay = minuteOfDay
        self.blobCopy = blobCopy
        self.logger = logger
    }

    /// The night a run at `now` belongs to, once the time has come: the date of the last
    /// scheduled time at or before `now`.
    public func night(at now: Date) -> CalendarDate {
        let today = CalendarDate(now)
        return now >= SlotPlannerClock.instant(today, minuteOfDay) ? today : today.adding(days: -1)!
    }

    /// Takes tonight's snapshot unless some instance already has; returns its id when this call
    /// took it.
    @discardableResult
    public func tick(now: Date) async throws -> String? {
        let night = night(at: now)
        guard let run = try await runs.start(kind: "snapshot", trigger: "schedule", night: night.description) else { return nil }
        do {
            let manifest = try await snapshotter.create(trigger: "schedule", blobCopy: blobCopy, now: now) { message in
                logger.info("snapshot", metadata: ["progress": "\(message)"])
            }
            let removed = try snapshotter.library.prune(policy)
            try await runs.finish(run, ok: true, snapshotID: manifest.id,
                                  detail: "rows=\(manifest.tables.reduce(0) { $0 + $1.rows }) blobs=\(manifest.blobCount) pruned=\(removed.count)")
            logger.info("nightly snapshot taken", metadata: ["snapshot": "\(manifest.id)", "pruned": "\(removed.joined(separator: ","))"])
            return manifest.id
        } catch {
            try? await runs.finish(run, ok: false, detail: String(describing: error).prefix(500).description)
            logger.error("nightly snapshot failed", metadata: ["error": "\(String(reflecting: error))"])
            throw error
        }
    }
}

/// Tokyo wall-clock instants (the planner's helper, without depending on booking types).
enum SlotPlannerClock {
    static func instant(_ day: CalendarDate, _ minute: Int) -> Date { SlotPlanner.instant(day, minute) }
}
