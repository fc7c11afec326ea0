import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// Search and export of the audit log (E2); needs `audit.view`. Searching and exporting are
/// themselves audited, since the log names people.
struct AuditController {
    let services: SiteServices
    static let pageLimit = 200
    static let exportLimit = 100_000

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/audit", .permission(.auditView), use: search)
            .get("/audit/export.csv", .permission(.auditView), use: export)
            .get("/api/v1/audit", .permission(.auditView), use: api)
    }

    /// The search conditions from the query string, with Japanese messages for bad dates.
    struct Conditions {
        var filter = AuditFilter()
        var raw: [String: String] = [:]
        var errors: [String] = []

        init(_ request: Request, limit: Int) {
            let query = request.uri.queryParameters
            func value(_ key: String) -> String? {
                guard let v = query[Substring(key)].map(String.init)?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
                raw[key] = v
                return v
            }
            filter.limit = limit
            // Search terms are written to the audit log themselves: refuse an individual number.
            if query.contains(where: { IndividualNumber.appears(in: String($0.value)) }) {
                errors.append(IndividualNumber.refusalMessage)
                return
            }
            filter.actorLogin = value("login")
            filter.action = value("action")
            filter.recordType = value("record_type")
            filter.recordID = value("record_id")
            if let from = value("from") {
                if let date = Self.day(from) { filter.from = date } else { errors.append("開始日が正しくありません（YYYY-MM-DD）。") }
            }
            if let until = value("until") {
                // Inclusive: the whole of the end day.
                if let date = Self.day(until) { filter.until = date.addingTimeInterval(86_400) } else { errors.append("終了日が正しくありません（YYYY-MM-DD）。") }
            }
        }

        /// Midnight in Tokyo of a `YYYY-MM-DD` day.
        static func day(_ text: String) -> Date? {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = JapaneseDate.tokyo
            let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
            guard components.isValidDate(in: calendar) else { return nil }
            return calendar.date(from: components)
        }

        var queryString: String {
            raw.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
        }
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let conditions = Conditions(request, limit: Self.pageLimit)
        let entries = conditions.errors.isEmpty ? try await services.auditLog.search(conditions.filter) : []
        try await services.audit(context, action: "audit.search", recordType: "audit_log", detail: conditions.queryString)
        let results: [String: String] = ["success": "成功", "failure": "失敗", "denied": "拒否"]
        return try services.renderer.response("audit", StaffPage.context(context, title: "操作ログ", current: "/audit", [
            "filter": ["login": conditions.raw["login"] ?? "", "action": conditions.raw["action"] ?? "",
                       "recordType": conditions.raw["record_type"] ?? "", "recordID": conditions.raw["record_id"] ?? "",
                       "from": conditions.raw["from"] ?? "", "until": conditions.raw["until"] ?? ""],
            "query": conditions.queryString, "errors": conditions.errors, "count": entries.count, "limit": Self.pageLimit,
            "entries": entries.map { entry -> [String: Any] in
                ["id": entry.id, "time": JapaneseDate.dateTime(entry.occurredAt), "actorLogin": entry.actorLogin,
                 "action": entry.action, "actionLabel": AuditActionLabel.label(entry.action), "recordType": entry.recordType, "recordID": entry.recordID, "result": entry.result,
                 "resultLabel": results[entry.result] ?? entry.result, "sourceAddress": entry.sourceAddress, "detail": entry.detail]
            },
        ]))
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let conditions = Conditions(request, limit: Self.exportLimit)
        guard conditions.errors.isEmpty else { throw AppError.badRequest(conditions.errors.joined(separator: " ")) }
        let entries = try await services.auditLog.search(conditions.filter)
        try await services.audit(context, action: "audit.export", recordType: "audit_log",
                                 detail: "\(entries.count)件 \(conditions.queryString)")
        var csv = CSVWriter()
        csv.row(["番号", "日時", "利用者", "操作", "操作名", "対象の種類", "対象ID", "結果", "接続元", "詳細", "リクエストID"])
        for e in entries {
            csv.row([String(e.id), JapaneseDate.dateTime(e.occurredAt), e.actorLogin, e.action, AuditActionLabel.label(e.action), e.recordType, e.recordID,
                     e.result, e.sourceAddress, e.detail, e.requestID])
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"audit-log.csv\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv.text)))
    }

    struct EntryDTO: Encodable {
        let id: Int64
        let occurredAt: Date
        let actorLogin: String
        let action: String
        let recordType: String
        let recordID: String
        let result: String
        let sourceAddress: String
        let detail: String
        let requestID: String
        let hash: String
    }

    /// `GET /api/v1/audit`: the same search as JSON.
    @Sendable func api(_ request: Request, context: AppRequestContext) async throws -> Response {
        let conditions = Conditions(request, limit: Self.pageLimit)
        guard conditions.errors.isEmpty else {
            throw AppError.invalidInput(conditions.errors.map { .init(field: "from/until", message: $0) })
        }
        let entries = try await services.auditLog.search(conditions.filter)
        try await services.audit(context, action: "audit.search", recordType: "audit_log", detail: conditions.queryString)
        return try Responses.json(entries.map {
            EntryDTO(id: $0.id, occurredAt: $0.occurredAt, actorLogin: $0.actorLogin, action: $0.action, recordType: $0.recordType,
                     recordID: $0.recordID, result: $0.result, sourceAddress: $0.sourceAddress, detail: $0.detail,
                     requestID: $0.requestID, hash: $0.hash.map { String(format: "%02x", $0) }.joined())
        })
    }
}
