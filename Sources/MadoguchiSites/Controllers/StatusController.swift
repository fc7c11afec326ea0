import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiJobs

/// The operator's status page (F4, F5): the last snapshot and its age, the snapshots on disk,
/// free disk under storage, database size, the last archive verify, and the schedule.
struct StatusController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes().get("/admin/status", .permission(.systemManage), use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let runs = JobRunStore(database: services.database)
        let now = services.clock.now()
        let lastGood = try await runs.latest(kind: "snapshot", okOnly: true)
        let lastAny = try await runs.latest(kind: "snapshot")
        let verify = try await runs.latest(kind: "verify")
        let configuration = services.configuration
        var values: [String: Any] = [:]
        if let lastGood, let finished = lastGood.finishedAt {
            let hours = now.timeIntervalSince(finished) / 3600
            values["snapshot"] = ["id": lastGood.snapshotID ?? "", "at": JapaneseDate.dateTime(finished),
                                  "age": String(format: "%.1f時間前", hours), "stale": hours > 26, "detail": lastGood.detail]
        }
        if let lastAny, lastAny.status == "failed" {
            values["snapshotFailure"] = ["at": JapaneseDate.dateTime(lastAny.startedAt), "detail": lastAny.detail]
        }
        if let verify {
            values["verify"] = ["at": JapaneseDate.dateTime(verify.finishedAt ?? verify.startedAt), "ok": verify.status == "ok",
                                "detail": verify.detail]
        }
        if let directory = configuration.snapshotDirectory {
            let entries = (try? SnapshotLibrary(directory: directory).list()) ?? []
            values["library"] = ["path": directory.path, "count": entries.count,
                                 "bytes": Self.size(entries.reduce(0) { $0 + $1.bytes })]
            values["snapshots"] = entries.suffix(10).reversed().map { entry -> [String: Any] in
                ["id": entry.manifest.id, "trigger": entry.manifest.trigger, "at": JapaneseDate.dateTime(entry.manifest.createdAt),
                 "rows": entry.manifest.tables.reduce(0) { $0 + $1.rows }, "blobs": entry.manifest.blobCount, "size": Self.size(entry.bytes)]
            }
        }
        if let storage = configuration.storageDirectory,
           let attributes = try? FileManager.default.attributesOfFileSystem(forPath: storage.path),
           let free = attributes[.systemFreeSize] as? Int64, let total = attributes[.systemSize] as? Int64 {
            values["disk"] = ["path": storage.path, "free": Self.size(free), "total": Self.size(total),
                              "low": total > 0 && Double(free) / Double(total) < 0.1]
        }
        if let (size, blobs, blobBytes) = try await services.database.client.first("""
            SELECT pg_database_size(current_database()), (SELECT count(*) FROM blob), (SELECT coalesce(sum(size), 0)::bigint FROM blob)
            """, as: (Int64, Int, Int64).self, logger: services.logger) {
            values["database"] = ["size": Self.size(size), "blobs": blobs, "blobBytes": Self.size(blobBytes)]
        }
        values["schedule"] = configuration.snapshotMinuteOfDay.map {
            "毎日 \(SlotRule.clock($0))（日本時間）、保存: 日次\(configuration.snapshotKeepDaily)・週次\(configuration.snapshotKeepWeekly)・月次\(configuration.snapshotKeepMonthly)"
        } ?? "停止中（MADOGUCHI_SNAPSHOT_TIME=off）"
        return try services.renderer.response("status", StaffPage.context(context, title: "システムの状態", current: "/admin/status", values))
    }

    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
