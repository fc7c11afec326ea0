import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The import page (C3, C5, E5): upload the issuance list, the city's existing ledger or a
/// registry extract; every upload is first a dry run whose preview shows what would change and
/// every bad line; the checked lines are kept until the staff member confirms them.
struct LedgerImportController {
    let ledger: LedgerDesk
    let renderer: PageRenderer
    let maxUploadBytes: Int64

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/ledger/import", .permission(.ledgerWrite), use: form)
            .post("/ledger/import", .permission(.ledgerWrite), use: preview)
            .post("/ledger/import/commit", .permission(.ledgerWrite), use: commit)
            .get("/ledger/import/template.csv", .permission(.ledgerWrite), use: template)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        try render(context, LedgerModels.Import())
    }

    func render(_ context: AppRequestContext, _ model: LedgerModels.Import, kind chosen: ImportKind = .issuanceList,
                status: HTTPResponse.Status = .ok) throws -> Response {
        var model = model
        model.kinds = ImportKind.allCases.filter { context.caller.has($0.permission) }.map {
            .init(value: $0.rawValue, label: $0.label, columns: $0.headers.joined(separator: ", "), checked: $0 == chosen)
        }
        model.maxMB = maxUploadBytes >> 20
        return try renderer.staff("ledger-import", context, title: "CSV取込", current: "/ledger", model, status: status)
    }

    /// What an import did, as the page shows it.
    static func model(_ result: LedgerDesk.ImportResult) -> LedgerModels.Import {
        var model = LedgerModels.Import()
        model.preview = true
        model.dryRun = result.dryRun
        model.kindLabel = result.kind.label
        model.isLedger = result.kind == .ledger
        if let rows = result.registryRows { model.summary = "住基抽出データを \(rows) 人分で置き換え\(result.dryRun ? "ます" : "ました")。" }
        if let o = result.ledger {
            model.summary = "新規 \(o.created) 件、更新 \(o.updated) 件、変更なし \(o.unchanged) 件（全 \(o.rows) 行）\(result.dryRun ? "となります" : "を取り込みました")。"
            if let last = o.previousImports.last {
                model.repeat = "同じ内容のファイルを \(JapaneseDate.dateTime(last)) に取り込んでいます。重複して登録されることはありません。"
            }
        }
        model.sample = result.sample.map { r in
            .init(line: r.line, applicationID: r.applicationID.digits, name: r.name, kana: r.kana, birthDate: LedgerModels.wareki(r.birthDate),
                  sex: r.sex.label, address: r.address, cardKind: r.cardKind?.label ?? "", visitType: r.visitType?.label ?? "（申請受付から判定）",
                  batch: r.deliveryBatch, stage: r.stage?.label ?? "", place: r.storagePlace ?? "")
        }
        model.fileName = result.fileName
        model.encoding = result.encoding
        model.lines = result.lines
        model.ignored = result.ignored.joined(separator: "、")
        model.problems = result.problems.map { .init(line: $0.line > 0 ? "\($0.line)行目" : "ファイル", reasons: $0.reasons.joined(separator: "。") + "。") }
        model.problemCount = result.problems.count
        return model
    }

    @Sendable func preview(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let kind = ImportKind(rawValue: context.form.text("kind")), context.caller.has(kind.permission) else { throw AppError.badRequest("kind") }
        guard let file = context.file("file"), !file.data.isEmpty else {
            var model = LedgerModels.Import()
            model.formError = "取り込むCSVファイルを選んでください。"
            return try render(context, model, kind: kind, status: .unprocessableContent)
        }
        var layout: ImportLayout?
        if let mapping = context.file("mapping"), !mapping.data.isEmpty {
            guard let decoded = try? JSONDecoder().decode(ImportLayout.self, from: mapping.data) else {
                throw AppError.invalidInput([.init(field: "mapping", message: "列の対応（JSON）を読み取れません。README の形式で作成してください。")])
            }
            layout = decoded
        }
        let checked = try await ledger.check(kind, data: file.data, fileName: file.filename, layout: layout)
        let result = try await ledger.run(checked, dryRun: true, caller: context.caller)
        var model = Self.model(result)
        if result.succeeded { model.token = try await ledger.keep(checked, caller: context.caller) ?? "" }
        try await ledger.noteChecked(result, caller: context.caller)
        return try render(context, model, kind: kind, status: result.succeeded ? .ok : .unprocessableContent)
    }

    @Sendable func commit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = context.form.text("token")
        guard let checked = try await ledger.kept(token, caller: context.caller) else {
            var model = LedgerModels.Import()
            model.formError = "確認済みのファイルが見つかりません（取込済みか、1時間を過ぎました）。もう一度アップロードしてください。"
            return try render(context, model, status: .conflict)
        }
        let result = try await ledger.run(checked, dryRun: false, caller: context.caller)
        // Kept when the database refused it (a place removed meanwhile): the preview can be tried again.
        if result.succeeded { try await ledger.forget(token) }
        var model = Self.model(result)
        model.done = result.succeeded
        return try render(context, model, kind: checked.kind, status: result.succeeded ? .ok : .unprocessableContent)
    }

    /// The documented layout as a CSV header row, UTF-8 with BOM so that Excel opens it as Japanese.
    @Sendable func template(_ request: Request, context: AppRequestContext) async throws -> Response {
        let kind = request.uri.queryParameters["kind"].flatMap { ImportKind(rawValue: String($0)) } ?? .issuanceList
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"madoguchi-\(kind.rawValue)-template.csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + kind.headers.joined(separator: ",") + "\r\n")))
    }
}
