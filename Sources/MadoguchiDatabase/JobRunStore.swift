import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Snapshot and verify runs (F4, F5): the scheduler's once-a-night guard, and what the status
/// page and `/metrics` report.
public struct JobRunStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    /// Starts a run. For a scheduled one, nil when this night's run exists already (another
    /// instance took it): the unique index makes that decision, not a race between instances.
    /// A night whose run failed is tried again an hour later.
    public func start(kind: String, trigger: String, night: String? = nil) async throws -> Int64? {
        try await database.client.first("""
            INSERT INTO job_run (kind, trigger, night) VALUES (\(kind), \(trigger), \(night)::date)
            ON CONFLICT (kind, night) WHERE trigger = 'schedule' DO UPDATE
                SET status = 'running', started_at = now(), finished_at = NULL, detail = job_run.detail || ' (retried)'
                WHERE job_run.status = 'failed' AND job_run.finished_at < now() - interval '1 hour'
            RETURNING id
            """, as: (Int64).self, logger: logger)
    }

    public func finish(_ id: Int64, ok: Bool, snapshotID: String? = nil, detail: String) async throws {
        try await database.client.execute("""
            UPDATE job_run SET finished_at = now(), status = \(ok ? "ok" : "failed"), snapshot_id = \(snapshotID), detail = \(detail)
            WHERE id = \(id)
            """, logger: logger)
    }

    /// The newest finished run of a kind (ok or not), and the newest good one.
    public func latest(kind: String, okOnly: Bool = false) async throws -> JobRun? {
        try await database.client.first("""
            SELECT id, kind, trigger, started_at, finished_at, status, snapshot_id, detail FROM job_run
            WHERE kind = \(kind) AND status <> 'running' AND (\(!okOnly) OR status = 'ok') ORDER BY started_at DESC LIMIT 1
            """, as: (Int64, String, String, Date, Date?, String, String?, String).self, logger: logger).map {
            JobRun(id: $0.0, kind: $0.1, trigger: $0.2, startedAt: $0.3, finishedAt: $0.4, status: $0.5, snapshotID: $0.6, detail: $0.7)
        }
    }
}
