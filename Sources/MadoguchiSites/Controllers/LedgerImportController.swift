import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiJobs
import MadoguchiReports
import PostgresNIO

/// The import page (C3, C5, E5): upload the issuance list, the city's existing ledger or a
/// registry extract; every upload is first a dry run whose preview shows what would change and
/// every bad line; the checked file is kept until the staff member confirms it.
struct LedgerImportController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/ledger/import", .permission(.ledgerWrite), use: form)
            .post("/ledger/import", .permission(.ledgerWrite), use: preview)
            .post("/ledger/import/commit", .permission(.ledgerWrite), use: commit)
            .get("/ledger/import/template.csv", .permission(.ledgerWrite), use: template)
    }

    enum Kind: String, CaseIterable {
        case issuanceList = "issuance-list"
        case ledger
        case registry

        var label: String {
            switch self {
            case .issuanceList: "カード発行一覧表（統合端末のCSV）"
            case .ledger: "既存のカード管理簿（初期移行）"
            case .registry: "住基抽出データ（前回分を置き換え）"
            }
        }

        var headers: [String] {
            switch self {
            case .issuanceList: LedgerField.issuanceListColumns.map(\.label)
            case .ledger: LedgerField.ledgerColumns.map(\.label)
            case .registry: RegistryField.columns.map(\.label)
            }
        }
    }

    func allowed(_ kind: Kind, _ context: AppRequestContext) -> Bool {
        kind != .registry || (context.identity?.has(.registryView) ?? false)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        try render(context, values: [:])
    }

    func render(_ context: AppRequestContext, values: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        var values = values
        values["kinds"] = Kind.allCases.filter { allowed($0, context) }.map { kind -> [String: Any] in
            ["value": kind.rawValue, "label": kind.label, "columns": kind.headers.joined(separator: ", "),
             "checked": (values["kind"] as? String ?? Kind.issuanceList.rawValue) == kind.rawValue]
        }
        values["canWrite"] = true
        values["maxMB"] = services.configuration.maxUploadBytes >> 20
        return try services.renderer.response("ledger-import", StaffPage.context(context, title: "CSV取込", current: "/ledger", values), status: status)
    }

    func layout(_ context: AppRequestContext, kind: Kind) throws -> (ImportLayout, String) {
        guard let file = context.files["mapping"], !file.data.isEmpty else {
            return (kind == .issuanceList ? services.configuration.issuanceListLayout : ImportLayout(), "")
        }
        do {
            return (try JSONDecoder().decode(ImportLayout.self, from: file.data), file.filename)
        } catch {
            throw AppError.invalidInput([.init(field: "mapping", message: "列の対応（JSON）を読み取れません。README の形式で作成してください。")])
        }
    }

    /// A file read and checked, for either kind of import.
    enum Checked {
        case ledger(LedgerImport.Checked)
        case registry(RegistryImport.Checked)

        var isClean: Bool {
            switch self {
            case .ledger(let c): c.problems.isEmpty
            case .registry(let c): c.problems.isEmpty
            }
        }

        func encoded() throws -> Data {
            switch self {
            case .ledger(let c): try JSONEncoder().encode(c)
            case .registry(let c): try JSONEncoder().encode(c)
            }
        }

        init?(kind: Kind, data: Data) {
            if kind == .registry {
                guard let c = try? JSONDecoder().decode(RegistryImport.Checked.self, from: data) else { return nil }
                self = .registry(c)
            } else {
                guard let c = try? JSONDecoder().decode(LedgerImport.Checked.self, from: data) else { return nil }
                self = .ledger(c)
            }
        }
    }

    /// Decodes and checks a file. CPU work, so off the threads that serve requests.
    func check(kind: Kind, data: Data, fileName: String, layout: ImportLayout) async throws -> Checked {
        let database = services.database
        return try await OffPool.run {
            if kind == .registry { return .registry(RegistryImport(database: database).check(data, fileName: fileName, layout: layout)) }
            return .ledger(LedgerImport(database: database).check(data, fileName: fileName, kind: kind == .issuanceList ? .issuanceList : .ledger,
                                                                  layout: layout))
        }
    }

    /// What an import did, whichever kind it was: for the page and for the API.
    struct Written {
        var fileName: String
        var encoding: String
        var lines: Int
        var ignored: [String]
        var problems: [ImportProblem]
        var ledger: LedgerImportWriter.Outcome?
        var registryRows: Int?
        var sample: [LedgerRecord]
        var succeeded: Bool { problems.isEmpty }
    }

    /// Writes (or dry-runs) checked lines with the audit entry inside the import's transaction.
    /// `via` is added to the audit detail (" api" for programs).
    func perform(_ checked: Checked, dryRun: Bool, context: AppRequestContext, via: String = "") async throws -> Written {
        let now = services.clock.now()
        let user = context.identity?.userID
        let services = services
        switch checked {
        case .registry(let c):
            let report = try await RegistryImport(database: services.database).write(c, dryRun: dryRun, staffUserID: user, now: now, audit: { rows, connection in
                try await services.auditLog.record(services.event(context, action: "registry.import", recordType: "registry", recordID: c.fileName,
                                                                  detail: "rows=\(rows)\(via)"), on: connection)
            })
            return Written(fileName: c.fileName, encoding: report.encoding, lines: report.lines, ignored: report.ignoredHeaders,
                           problems: report.problems, ledger: nil, registryRows: report.imported, sample: [])
        case .ledger(let c):
            let report = try await LedgerImport(database: services.database).write(c, dryRun: dryRun, staffUserID: user, now: now, audit: { o, connection in
                try await services.auditLog.record(services.event(
                    context, action: "ledger.import", recordType: "ledger_import", recordID: String(o.importID),
                    detail: "\(c.kind) \(c.fileName) rows=\(o.rows) created=\(o.created) updated=\(o.updated) unchanged=\(o.unchanged)\(via)"),
                    on: connection)
            })
            return Written(fileName: c.fileName, encoding: report.encoding, lines: report.lines, ignored: report.ignoredHeaders,
                           problems: report.problems, ledger: report.problems.isEmpty ? report.outcome : nil, registryRows: nil, sample: report.sample)
        }
    }

    /// Runs the import and turns what it did into page values.
    func write(_ checked: Checked, kind: Kind, dryRun: Bool, context: AppRequestContext) async throws -> ([String: Any], Bool) {
        let written = try await perform(checked, dryRun: dryRun, context: context)
        var values: [String: Any] = ["kind": kind.rawValue, "kindLabel": kind.label, "dryRun": dryRun, "isLedger": kind == .ledger]
        if let rows = written.registryRows {
            values["summary"] = "住基抽出データを \(rows) 人分で置き換え\(dryRun ? "ます" : "ました")。"
        }
        if let o = written.ledger {
            values["summary"] = "新規 \(o.created) 件、更新 \(o.updated) 件、変更なし \(o.unchanged) 件（全 \(o.rows) 行）\(dryRun ? "となります" : "を取り込みました")。"
            if let last = o.previousImports.last {
                values["repeat"] = "同じ内容のファイルを \(JapaneseDate.dateTime(last)) に取り込んでいます。重複して登録されることはありません。"
            }
        }
        values["sample"] = written.sample.map { r -> [String: Any] in
            ["line": r.line, "applicationID": r.applicationID.digits, "name": r.name, "kana": r.kana,
             "birthDate": LedgerController.wareki(r.birthDate), "sex": r.sex.label, "address": r.address, "cardKind": r.cardKind?.label ?? "",
             "visitType": r.visitType?.label ?? "（申請受付から判定）", "batch": r.deliveryBatch, "stage": r.stage?.label ?? "", "place": r.storagePlace ?? ""]
        }
        values["fileName"] = written.fileName
        values["encoding"] = written.encoding
        values["lines"] = written.lines
        values["ignored"] = written.ignored.joined(separator: "、")
        values["problems"] = written.problems.map { ["line": $0.line > 0 ? "\($0.line)行目" : "ファイル", "reasons": $0.reasons.joined(separator: "。") + "。"] }
        values["problemCount"] = written.problems.count
        return (values, written.succeeded)
    }

    @Sendable func preview(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let kind = Kind(rawValue: context.form.text("kind")), allowed(kind, context) else { throw AppError.badRequest("kind") }
        guard let file = context.files["file"], !file.data.isEmpty else {
            return try render(context, values: ["kind": kind.rawValue, "formError": "取り込むCSVファイルを選んでください。"], status: .unprocessableContent)
        }
        let (layout, _) = try layout(context, kind: kind)
        let checked = try await check(kind: kind, data: file.data, fileName: file.filename, layout: layout)
        var (values, ok) = try await write(checked, kind: kind, dryRun: true, context: context)
        if ok, let user = context.identity?.userID {
            values["token"] = try await ImportUploadStore(database: services.database).save(
                kind: kind.rawValue, checked: try checked.encoded(), staffUserID: user, now: services.clock.now())
        }
        try await services.audit(context, action: "ledger.import.check", recordType: "ledger_import", recordID: file.filename,
                                 result: ok ? .success : .failure, detail: "\(kind.rawValue) 問題=\((values["problemCount"] as? Int) ?? 0)")
        values["preview"] = true
        return try render(context, values: values, status: ok ? .ok : .unprocessableContent)
    }

    @Sendable func commit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = ImportUploadStore(database: services.database)
        let token = context.form.text("token")
        guard let user = context.identity?.userID, let upload = try await store.find(token: token, staffUserID: user, now: services.clock.now()),
              let kind = Kind(rawValue: upload.kind), allowed(kind, context), let checked = Checked(kind: kind, data: upload.checked) else {
            return try render(context, values: ["formError": "確認済みのファイルが見つかりません（取込済みか、1時間を過ぎました）。もう一度アップロードしてください。"],
                              status: .conflict)
        }
        var (values, ok) = try await write(checked, kind: kind, dryRun: false, context: context)
        // Kept when the database refused it (a place removed meanwhile): the preview can be tried again.
        if ok { try await store.remove(token: token) }
        values["done"] = ok
        values["preview"] = true
        return try render(context, values: values, status: ok ? .ok : .unprocessableContent)
    }

    /// The documented layout as a CSV header row, UTF-8 with BOM so that Excel opens it as Japanese.
    @Sendable func template(_ request: Request, context: AppRequestContext) async throws -> Response {
        let kind = request.uri.queryParameters["kind"].flatMap { Kind(rawValue: String($0)) } ?? .issuanceList
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"madoguchi-\(kind.rawValue)-template.csv\""
        let body = "\u{FEFF}" + kind.headers.joined(separator: ",") + "\r\n"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
