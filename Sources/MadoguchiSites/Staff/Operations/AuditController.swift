import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Search and export of the audit log (E2); needs `audit.view`.
struct AuditController {
    let audit: AuditDesk
    let renderer: PageRenderer

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
            filter.actorLogin = value("login")
            filter.action = value("action")
            filter.recordType = value("recordType")
            filter.recordID = value("recordId")
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
            guard let day = CalendarDate(text) else { return nil }
            return JapaneseDate.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
        }

        var queryString: String {
            raw.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
        }
    }

    static let results = ["success": "成功", "failure": "失敗", "denied": "拒否"]

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        var conditions = Conditions(request, limit: AuditDesk.pageLimit)
        var entries: [AuditEntry] = []
        if conditions.errors.isEmpty {
            do {
                entries = try await audit.search(conditions.filter, conditions: conditions.queryString, caller: context.caller)
            } catch let invalid as InvalidInput {
                conditions.errors = invalid.problems.map(\.message)
                conditions.raw = [:]
            }
        }
        let raw = conditions.raw
        let model = OperationsModels.Audit(
            filter: .init(login: raw["login"] ?? "", action: raw["action"] ?? "", recordType: raw["recordType"] ?? "", recordID: raw["recordId"] ?? "",
                          from: raw["from"] ?? "", until: raw["until"] ?? ""),
            query: conditions.queryString, errors: conditions.errors, count: entries.count, limit: AuditDesk.pageLimit,
            entries: entries.map { e in
                .init(id: e.id, time: JapaneseDate.dateTime(e.occurredAt), actorLogin: e.actorLogin, action: e.action, actionLabel: AuditActionLabel.label(e.action),
                      recordType: e.recordType, recordID: e.recordID, result: e.result, resultLabel: Self.results[e.result] ?? e.result,
                      sourceAddress: e.sourceAddress, detail: e.detail)
            })
        // A refused search is a 422 like every other refused input, with the form and its reasons.
        return try renderer.staff("audit", context, title: "操作ログ", current: "/audit", model,
                                  status: conditions.errors.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let conditions = Conditions(request, limit: AuditDesk.exportLimit)
        guard conditions.errors.isEmpty else { throw AppError.badRequest(conditions.errors.joined(separator: " ")) }
        let entries = try await audit.export(conditions.filter, conditions: conditions.queryString, caller: context.caller)
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
        let recordId: String
        let result: String
        let sourceAddress: String
        let detail: String
        let requestId: String
        let hash: String
    }

    /// `GET /api/v1/audit`: the same search as JSON.
    @Sendable func api(_ request: Request, context: AppRequestContext) async throws -> Response {
        let conditions = Conditions(request, limit: AuditDesk.pageLimit)
        guard conditions.errors.isEmpty else { throw AppError.invalidInput(conditions.errors.map { .init(field: "from/until", message: $0) }) }
        let entries = try await audit.search(conditions.filter, conditions: conditions.queryString, caller: context.caller)
        return try Responses.json(entries.map {
            EntryDTO(id: $0.id, occurredAt: $0.occurredAt, actorLogin: $0.actorLogin, action: $0.action, recordType: $0.recordType,
                     recordId: $0.recordID, result: $0.result, sourceAddress: $0.sourceAddress, detail: $0.detail,
                     requestId: $0.requestID, hash: $0.hash.map { String(format: "%02x", $0) }.joined())
        })
    }
}
