import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The operator's status page (F4, F5): the last snapshot and its age, the snapshots on disk,
/// free disk under storage, database size, the last archive verify, and the schedule.
struct StatusController {
    let operations: OperationsDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes().get("/admin/status", .permission(.systemManage), use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let status = try await operations.status()
        let now = clock.now()
        let model = OperationsModels.Status(
            snapshot: status.lastGoodSnapshot.flatMap { run in
                run.finishedAt.map { finished in
                    let hours = now.timeIntervalSince(finished) / 3600
                    return .init(id: run.snapshotID ?? "", at: JapaneseDate.dateTime(finished), age: String(format: "%.1f時間前", hours), stale: hours > 26,
                                 detail: run.detail)
                }
            },
            snapshotFailure: status.failedSnapshot.map { .init(at: JapaneseDate.dateTime($0.startedAt), detail: $0.detail) },
            schedule: status.snapshotMinuteOfDay.map {
                "毎日 \(SlotRule.clock($0))（日本時間）、保存: 日次\(status.keep.daily)・週次\(status.keep.weekly)・月次\(status.keep.monthly)"
            } ?? "停止中（MADOGUCHI_SNAPSHOT_TIME=off）",
            library: status.snapshotDirectory.map { .init(path: $0.path, count: status.snapshots.count, bytes: Self.size(status.snapshots.reduce(0) { $0 + $1.bytes })) },
            snapshots: status.snapshots.suffix(10).reversed().map { entry in
                .init(id: entry.manifest.id, trigger: entry.manifest.trigger, at: JapaneseDate.dateTime(entry.manifest.createdAt),
                      rows: Int(entry.manifest.tables.reduce(Int64(0)) { $0 + Int64($1.rows) }), blobs: entry.manifest.blobCount, size: Self.size(entry.bytes))
            },
            disk: status.storageDirectory.flatMap { path in
                guard let free = status.freeBytes, let total = status.totalBytes else { return nil }
                return .init(path: path.path, free: Self.size(free), total: Self.size(total), low: total > 0 && Double(free) / Double(total) < 0.1)
            },
            database: status.databaseBytes.map { .init(size: Self.size($0), blobs: status.blobCount ?? 0, blobBytes: Self.size(status.blobBytes ?? 0)) },
            verify: status.lastVerify.map { .init(at: JapaneseDate.dateTime($0.finishedAt ?? $0.startedAt), ok: $0.status == "ok", detail: $0.detail) })
        return try renderer.staff("status", context, title: "システムの状態", current: "/admin/status", model)
    }

    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
