import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiJobs
import MadoguchiReports

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
            return (try JSONDecoder().decode(ImportLayout.self, from: file.data), String(decoding: file.data, as: UTF8.self))
        } catch {
            throw AppError.invalidInput([.init(field: "mapping", message: "列の対応（JSON）を読み取れません。README の形式で作成してください。")])
        }
    }

    /// Runs the import (dry or real) and turns its report into page values.
    func run(kind: Kind, data: Data, fileName: String, layout: ImportLayout, dryRun: Bool, context: AppRequestContext) async throws -> ([String: Any], Bool) {
        let now = services.clock.now()
        let user = context.identity?.userID
        var values: [String: Any] = ["kind": kind.rawValue, "kindLabel": kind.label, "fileName": fileName, "dryRun": dryRun]
        let problems: [ImportProblem]
        if kind == .registry {
            let report = try await RegistryImport(database: services.database).run(data, fileName: fileName, layout: layout, dryRun: dryRun,
                                                                                   staffUserID: user, now: now)
            problems = report.problems
            values["encoding"] = report.encoding
            values["lines"] = report.lines
            values["ignored"] = report.ignoredHeaders.joined(separator: "、")
            values["summary"] = report.imported.map { "住基抽出データを \($0) 人分で置き換え\(dryRun ? "ます" : "ました")。" } ?? ""
        } else {
            let writerKind: LedgerImportWriter.Kind = kind == .issuanceList ? .issuanceList : .ledger
            let report = try await LedgerImport(database: services.database).run(data, fileName: fileName, kind: writerKind, layout: layout,
                                                                                 dryRun: dryRun, staffUserID: user, now: now)
            problems = report.problems
            values["encoding"] = report.encoding
            values["lines"] = report.lines
            values["ignored"] = report.ignoredHeaders.joined(separator: "、")
            if let o = report.outcome, problems.isEmpty {
                values["summary"] = "新規 \(o.created) 件、更新 \(o.updated) 件、変更なし \(o.unchanged) 件（全 \(o.rows) 行）\(dryRun ? "となります" : "を取り込みました")。"
                if let last = o.previousImports.last {
                    values["repeat"] = "同じ内容のファイルを \(JapaneseDate.dateTime(last)) に取り込んでいます。重複して登録されることはありません。"
                }
            }
            values["sample"] = report.sample.map { r -> [String: Any] in
                ["line": r.line, "applicationID": r.applicationID.digits, "name": r.name, "kana": r.kana,
                 "birthDate": LedgerController.wareki(r.birthDate), "sex": r.sex.label, "address": r.address, "cardKind": r.cardKind?.label ?? "",
                 "visitType": r.visitType?.label ?? "（申請受付から判定）", "batch": r.deliveryBatch, "stage": r.stage?.label ?? "", "place": r.storagePlace ?? ""]
            }
        }
        values["problems"] = problems.map { ["line": $0.line > 0 ? "\($0.line)行目" : "ファイル", "reasons": $0.reasons.joined(separator: "。") + "。"] }
        values["problemCount"] = problems.count
        values["hasProblems"] = !problems.isEmpty
        return (values, problems.isEmpty)
    }

    @Sendable func preview(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let kind = Kind(rawValue: context.form.text("kind")), allowed(kind, context) else { throw AppError.badRequest("kind") }
        guard let file = context.files["file"], !file.data.isEmpty else {
            return try render(context, values: ["kind": kind.rawValue, "formError": "取り込むCSVファイルを選んでください。"], status: .unprocessableContent)
        }
        let (layout, layoutText) = try layout(context, kind: kind)
        var (values, ok) = try await run(kind: kind, data: file.data, fileName: file.filename, layout: layout, dryRun: true, context: context)
        if ok, let user = context.identity?.userID {
            values["token"] = try await ImportUploadStore(database: services.database).save(
                kind: kind.rawValue, fileName: file.filename, content: file.data, layout: layoutText, staffUserID: user, now: services.clock.now())
        }
        try await services.audit(context, action: "ledger.import.check", recordType: "ledger_import", recordID: file.filename,
                                 result: ok ? .success : .failure, detail: "\(kind.rawValue) 問題=\((values["problemCount"] as? Int) ?? 0)")
        values["preview"] = true
        return try render(context, values: values, status: ok ? .ok : .unprocessableContent)
    }

    @Sendable func commit(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = context.identity?.userID,
              let upload = try await ImportUploadStore(database: services.database).take(token: context.form.text("token"), staffUserID: user,
                                                                                           now: services.clock.now()),
              let kind = Kind(rawValue: upload.kind), allowed(kind, context) else {
            return try render(context, values: ["formError": "確認済みのファイルが見つかりません（取込済みか、1時間を過ぎました）。もう一度アップロードしてください。"],
                              status: .conflict)
        }
        let layout = upload.layout.isEmpty ? (kind == .issuanceList ? services.configuration.issuanceListLayout : ImportLayout())
            : (try? JSONDecoder().decode(ImportLayout.self, from: Data(upload.layout.utf8))) ?? ImportLayout()
        var (values, ok) = try await run(kind: kind, data: upload.content, fileName: upload.fileName, layout: layout, dryRun: false, context: context)
        try await services.audit(context, action: kind == .registry ? "registry.import" : "ledger.import", recordType: "ledger_import",
                                 recordID: upload.fileName, result: ok ? .success : .failure, detail: (values["summary"] as? String) ?? "")
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
