import Foundation
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import Logging
import MadoguchiJobs

/// Running the service (E4, F3-F5): notices, planned maintenance, the operator's status page,
/// the shared figures `/metrics` reports, and snapshots (F4).
public struct OperationsDesk: Sendable {
    let notices: NoticeStore
    let maintenance: MaintenanceStore
    let runs: JobRunStore
    let monitoring: MonitoringStore
    let blobs: any BlobStore
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource
    let configuration: ServiceConfiguration
    /// Maintenance windows are checked on every request of both sites: read at most every 15 s.
    public let schedule: MaintenanceSchedule

    /// For `/healthz`: what the once-a-second probe last saw (`serve` runs it), so the answer is
    /// immediate whether the database is there or not.
    public func isDatabaseUp() async -> Bool { database.health.isUp }

    /// What the background probe sees (the sites' 503 gate).
    public var databaseHealth: DatabaseHealth { database.health }

    // MARK: notices (E4)

    public func currentNotices(for audience: String) async throws -> [Notice] { try await notices.current(audience: audience, now: clock.now()) }
    public func allNotices() async throws -> [Notice] { try await notices.all() }

    /// Publishes a notice (publish time defaults to now).
    public func publish(audience: String, priority: String, title: String, body: String, publishAt: Date?, expireAt: Date?,
                        caller: Caller) async throws {
        let notice = Notice(id: 0, audience: audience, priority: priority, title: title, body: body, publishAt: publishAt ?? clock.now(),
                            expireAt: expireAt)
        guard notice.problems.isEmpty else { throw InvalidInput(notice.problems) }
        try await database.transaction { connection in
            let id = try await notices.create(notice, createdBy: caller.userID, on: connection)
            try await audit.record(caller, "notice.create", recordType: "notice", recordID: String(id), detail: "\(audience) \(priority)",
                                   on: connection)
        }
    }

    /// Ends a notice early (kept for the record); false when there was none to end.
    public func expireNotice(id: Int64, caller: Caller) async throws -> Bool {
        try await database.transaction { connection in
            guard try await notices.expire(id: id, now: clock.now(), on: connection) else { return false }
            try await audit.record(caller, "notice.expire", recordType: "notice", recordID: String(id), on: connection)
            return true
        }
    }

    // MARK: planned maintenance (F3)

    public func upcomingMaintenance() async throws -> [MaintenanceWindow] { try await maintenance.upcoming(now: clock.now()) }

    public func planMaintenance(startsAt: Date?, endsAt: Date?, announceDays: Int, message: String, caller: Caller) async throws {
        let problems = MaintenanceWindow.problems(startsAt: startsAt, endsAt: endsAt, announceDays: announceDays, message: message, now: clock.now())
        guard problems.isEmpty, let startsAt, let endsAt else { throw InvalidInput(problems) }
        try await database.transaction { connection in
            let id = try await maintenance.create(startsAt: startsAt, endsAt: endsAt, announceDays: announceDays, message: message,
                                                  createdBy: caller.userID, on: connection)
            try await audit.record(caller, "maintenance.create", recordType: "maintenance_window", recordID: String(id), on: connection)
        }
        schedule.invalidate()
    }

    public func cancelMaintenance(id: Int64, caller: Caller) async throws -> Bool {
        let cancelled = try await database.transaction { connection in
            guard try await maintenance.cancel(id: id, now: clock.now(), on: connection) else { return false }
            try await audit.record(caller, "maintenance.cancel", recordType: "maintenance_window", recordID: String(id), on: connection)
            return true
        }
        schedule.invalidate()
        return cancelled
    }

    // MARK: status (F4, F5)

    /// What the operator's status page shows.
    public struct Status: Sendable {
        public var lastGoodSnapshot: JobRun?
        public var failedSnapshot: JobRun?
        public var lastVerify: JobRun?
        public var snapshotDirectory: URL?
        public var snapshots: [SnapshotLibrary.Entry] = []
        public var storageDirectory: URL?
        public var freeBytes: Int64?
        public var totalBytes: Int64?
        public var databaseBytes: Int64?
        public var blobCount: Int?
        public var blobBytes: Int64?
        public var snapshotMinuteOfDay: Int?
        public var keep: (daily: Int, weekly: Int, monthly: Int)
    }

    public func status() async throws -> Status {
        var status = Status(keep: (configuration.snapshotKeepDaily, configuration.snapshotKeepWeekly, configuration.snapshotKeepMonthly))
        status.lastGoodSnapshot = try await runs.latest(kind: "snapshot", okOnly: true)
        if let last = try await runs.latest(kind: "snapshot"), last.status == "failed" { status.failedSnapshot = last }
        status.lastVerify = try await runs.latest(kind: "verify")
        if let directory = configuration.snapshotDirectory {
            status.snapshotDirectory = directory
            status.snapshots = (try? SnapshotLibrary(directory: directory).list()) ?? []
        }
        if let storage = configuration.storageDirectory {
            status.storageDirectory = storage
            if let attributes = try? FileManager.default.attributesOfFileSystem(forPath: storage.path) {
                status.freeBytes = attributes[.systemFreeSize] as? Int64
                status.totalBytes = attributes[.systemSize] as? Int64
            }
        }
        if let figures = try await monitoring.storageFigures() {
            (status.databaseBytes, status.blobCount, status.blobBytes) = (figures.databaseBytes, figures.blobs, figures.blobBytes)
        }
        status.snapshotMinuteOfDay = configuration.snapshotMinuteOfDay
        return status
    }

    /// The figures every instance shares, read from PostgreSQL at scrape time (so all report the
    /// same truth): name, help, value.
    public func sharedGauges() async throws -> [(name: String, help: String, value: Double)] {
        let up = await database.ping()
        var gauges: [(String, String, Double)] = [("madoguchi_database_up", "1 when PostgreSQL answers.", up ? 1 : 0)]
        guard up else { return gauges }
        if let f = try await monitoring.figures() {
            // Connections of every instance's pool, against the server's limit: a pool that keeps
            // growing towards the limit is the warning sign.
            gauges += [("madoguchi_database_connections", "Connections to this database from all app instances.", Double(f.connections)),
                       ("madoguchi_database_max_connections", "The PostgreSQL server's connection limit.", Double(f.maxConnections)),
                       ("madoguchi_accounts_locked", "Staff accounts locked by wrong passwords.", Double(f.lockedAccounts)),
                       ("madoguchi_blob_bytes", "Bytes of stored blobs (documents, previews, thumbnails).", Double(f.blobBytes)),
                       ("madoguchi_blobs", "Number of stored blobs.", Double(f.blobs)),
                       ("madoguchi_database_size_bytes", "Size of the PostgreSQL database.", Double(f.databaseBytes)),
                       ("madoguchi_staff_sessions", "Staff sessions not yet expired.", Double(f.staffSessions))]
        }
        if let snapshot = try await runs.latest(kind: "snapshot", okOnly: true), let finished = snapshot.finishedAt {
            gauges.append(("madoguchi_snapshot_age_seconds", "Seconds since the last good snapshot finished.",
                           clock.now().timeIntervalSince(finished).rounded()))
        }
        if let verify = try await runs.latest(kind: "verify") {
            gauges.append(("madoguchi_verify_last_ok", "1 when the last archive verify found nothing corrupt or missing.", verify.status == "ok" ? 1 : 0))
        }
        return gauges.map { (name: $0.0, help: $0.1, value: $0.2) }
    }

    // MARK: snapshots (F4)

    /// Takes a snapshot now and records the run for the status page; `progress` gets each step.
    public func takeSnapshot(trigger: String, library: SnapshotLibrary, blobCopy: URL?, progress: (@Sendable (String) -> Void)? = nil) async throws
        -> SnapshotManifest {
        let run = try await runs.start(kind: "snapshot", trigger: trigger)
        do {
            let manifest = try await Snapshotter(database: database, blobs: blobs, library: library)
                .create(trigger: trigger, blobCopy: blobCopy, progress: progress ?? { _ in })
            if let run { try await runs.finish(run, ok: true, snapshotID: manifest.id, detail: trigger) }
            return manifest
        } catch {
            if let run { try? await runs.finish(run, ok: false, detail: String(describing: error)) }
            throw error
        }
    }

    /// The nightly job (one snapshot a night across every instance), or nil when it is off.
    public func nightlySnapshots(logger: Logger) -> NightlySnapshots? {
        guard let minute = configuration.snapshotMinuteOfDay, let directory = configuration.snapshotDirectory else { return nil }
        return NightlySnapshots(snapshotter: Snapshotter(database: database, blobs: blobs, library: SnapshotLibrary(directory: directory)),
                                runs: runs, policy: RetentionPolicy(daily: configuration.snapshotKeepDaily, weekly: configuration.snapshotKeepWeekly,
                                                                    monthly: configuration.snapshotKeepMonthly),
                                minuteOfDay: minute, blobCopy: configuration.snapshotBlobCopy, logger: logger)
    }

    /// Which of these tables this desk's database role can read (the resident site refuses to
    /// start when it can read any of the personal-data tables).
    public func readableTables(among tables: [String]) async throws -> [String] {
        try await monitoring.readableTables(among: tables)
    }

    public func excessPrivileges() async throws -> [String] { try await monitoring.excessPrivileges() }
}
