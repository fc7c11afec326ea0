import Foundation
import MadoguchiDomain

/// The operations pages' models (audit log, notices, maintenance, status, home).
enum OperationsModels {
    struct AuditFilterForm: PageModel {
        let login: String
        let action: String
        let recordType: String
        let recordID: String
        let from: String
        let until: String
    }

    struct AuditRow: PageModel {
        let id: Int64
        let time: String
        let actorLogin: String
        let action: String
        let actionLabel: String
        let recordType: String
        let recordID: String
        let result: String
        let resultLabel: String
        let sourceAddress: String
        let detail: String
    }

    struct Audit: PageModel {
        let filter: AuditFilterForm
        let query: String
        let errors: [String]
        let count: Int
        let limit: Int
        let entries: [AuditRow]
    }

    struct NoticeRow: PageModel {
        let id: Int64
        let title: String
        let body: String
        let priority: String
        let priorityLabel: String
        let audience: String
        let publishAt: String
        let expireAt: String
        var active = false
        var expirable = false

        init(_ n: Notice, now: Date? = nil) {
            id = n.id
            title = n.title
            body = n.body
            priority = n.priority
            priorityLabel = n.priorityLabel
            audience = n.audienceLabel
            publishAt = JapaneseDate.dateTime(n.publishAt)
            expireAt = n.expireAt.map(JapaneseDate.dateTime) ?? "—"
            if let now {
                active = n.isShown(at: now)
                expirable = n.expireAt.map { $0 > now } ?? true
            }
        }
    }

    struct Notices: PageModel {
        let notices: [NoticeRow]
        let errors: [String]
        let now: String
    }

    struct WindowRow: PageModel {
        let id: Int64
        let startsAt: String
        let endsAt: String
        let announceDays: Int
        let message: String
        let state: String
    }

    struct Maintenance: PageModel {
        let windows: [WindowRow]
        let errors: [String]
    }

    struct Snapshot: PageModel {
        let id: String
        let at: String
        let age: String
        let stale: Bool
        let detail: String
    }

    struct Failure: PageModel {
        let at: String
        let detail: String
    }

    struct Library: PageModel {
        let path: String
        let count: Int
        let bytes: String
    }

    struct SnapshotRow: PageModel {
        let id: String
        let trigger: String
        let at: String
        let rows: Int
        let blobs: Int
        let size: String
    }

    struct Disk: PageModel {
        let path: String
        let free: String
        let total: String
        let low: Bool
    }

    struct DatabaseFigures: PageModel {
        let size: String
        let blobs: Int
        let blobBytes: String
    }

    struct Verify: PageModel {
        let at: String
        let ok: Bool
        let detail: String
    }

    struct Status: PageModel {
        let snapshot: Snapshot?
        let snapshotFailure: Failure?
        let schedule: String
        let library: Library?
        let snapshots: [SnapshotRow]
        let disk: Disk?
        let database: DatabaseFigures?
        let verify: Verify?
    }

    struct Home: PageModel {
        let todayWareki: String
        let roles: [String]
        let permissions: [String]
        let notices: [NoticeRow]
        let lastLogin: String
    }
}
