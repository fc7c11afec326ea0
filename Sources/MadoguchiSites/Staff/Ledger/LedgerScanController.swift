import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiImaging
import MadoguchiServices

/// QR registration (C2) and bulk stage moves by scanning (C6). A keyboard-wedge scanner types
/// the code and Enter into the focused field; each scan is one request. A scanned page of the
/// list (image or PDF) is decoded, shown for confirmation, then registered in one transaction.
struct LedgerScanController {
    let ledger: LedgerDesk
    let renderer: PageRenderer

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/ledger/scan", .permission(.ledgerWrite), use: page)
            .post("/ledger/scan", .permission(.ledgerWrite), use: scan)
            .post("/ledger/scan-page", .permission(.ledgerWrite), use: scanPage)
            .post("/ledger/scan-page/confirm", .permission(.ledgerWrite), use: confirmPage)
            .get("/ledger/bulk", .permission(.ledgerWrite), use: bulkForm)
            .post("/ledger/bulk", .permission(.ledgerWrite), use: bulk)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(context, messages: PageMessages(request))
    }

    func render(_ context: AppRequestContext, messages: PageMessages, fileName: String = "", decoded: [LedgerModels.Decoded]? = nil,
                status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = LedgerModels.Scan(today: try await ledger.scansToday(), showDecoded: decoded != nil, fileName: fileName, decoded: decoded ?? [],
                                      decodedCount: decoded?.count ?? 0, registrable: decoded?.contains(where: \.ok) ?? false)
        return try renderer.staff("ledger-scan", context, title: "QRコード読取", current: "/ledger", messages: messages, model, status: status)
    }

    struct ScanResult: Encodable {
        let outcome: String
        let message: String
        let applicationId: String?
        let name: String?
        let stage: String?
        let today: Int
    }

    /// One scan. Browsers with JavaScript get JSON (the page beeps and lists it); without, a redirect.
    @Sendable func scan(_ request: Request, context: AppRequestContext) async throws -> Response {
        let result: ScanResult
        switch try await ledger.registerScan(context.form.text("code"), caller: context.caller) {
        case .invalid(let today):
            result = ScanResult(outcome: "invalid", message: "発行一覧表のQRコードではありません", applicationId: nil, name: nil, stage: nil, today: today)
        case .done(let outcome, let today):
            let (kind, message, e): (String, String, LedgerEntry) = switch outcome {
            case .registered(let e): ("registered", "新規登録しました（CSV未取込のカード）", e)
            case .confirmed(let e): ("confirmed", "納品を確認しました", e)
            case .alreadyConfirmed(let e): ("already", "読取済みです（変更なし）", e)
            }
            result = ScanResult(outcome: kind, message: message, applicationId: e.applicationID, name: e.name, stage: e.stage.label, today: today)
        }
        if request.headers[.accept]?.contains("application/json") ?? false {
            return try Responses.json(result, status: result.outcome == "invalid" ? .unprocessableContent : .ok)
        }
        return result.outcome == "invalid" ? Responses.redirect("/ledger/scan", error: result.message)
            : Responses.redirect("/ledger/scan", flash: "\(result.applicationId ?? ""): \(result.message)")
    }

    /// Decodes every QR code on an uploaded page (PNG, JPEG, TIFF, or PDF) and lists them for confirmation.
    @Sendable func scanPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let file = context.file("page"), !file.data.isEmpty else {
            return try await render(context, messages: .init(error: "読み取る画像かPDFを選んでください。"), status: .unprocessableContent)
        }
        let codes: [LedgerDesk.PageCode]
        do {
            codes = try await ledger.decodePage(file.data, fileName: file.filename, caller: context.caller)
        } catch let error as ImagingError {
            return try await render(context, messages: .init(error: error.description), status: .unprocessableContent)
        } catch let error as PDFRasterizeError {
            return try await render(context, messages: .init(error: error.message), status: .unprocessableContent)
        } catch let error as QRScanError {
            return try await render(context, messages: .init(error: error.message), status: .unprocessableContent)
        }
        return try await render(context, messages: PageMessages(), fileName: file.filename, decoded: codes.map {
            .init(code: $0.text, applicationID: $0.applicationID ?? "", status: $0.status, ok: $0.applicationID != nil)
        })
    }

    @Sendable func confirmPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            let counts = try await ledger.registerPage(context.form.all("codes"), caller: context.caller)
            return Responses.redirect("/ledger/scan", flash: "新規登録 \(counts.registered) 件、納品確認 \(counts.confirmed) 件、読取済み \(counts.already) 件。")
        } catch let invalid as InvalidInput {
            return Responses.redirect("/ledger/scan", error: invalid.problems.map(\.message).joined(separator: " "))
        }
    }

    // MARK: bulk stage moves

    /// The scanned codes shown again in the form, without any line that holds an individual number.
    static func echo(_ codes: String) -> String {
        codes.split(whereSeparator: \.isNewline).filter { !IndividualNumber.appears(in: String($0)) }.joined(separator: "\n")
    }

    func bulkPage(_ context: AppRequestContext, stage: LedgerStage? = nil, codes: String = "", summary: String = "",
                  results: [LedgerModels.BulkRow] = [], error: String = "", status: HTTPResponse.Status = .ok) throws -> Response {
        let model = LedgerModels.Bulk(stages: LedgerStage.allCases.filter { $0 != .delivered }.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == stage) },
                                      codes: codes, summary: summary, results: results)
        return try renderer.staff("ledger-bulk", context, title: "一括工程更新", current: "/ledger", messages: .init(error: error), model, status: status)
    }

    @Sendable func bulkForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        try bulkPage(context)
    }

    /// Moves every scanned card to one stage; the result lists every card with its outcome.
    @Sendable func bulk(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        guard let stage = LedgerStage(rawValue: form.text("stage")) else {
            return try bulkPage(context, codes: Self.echo(form.text("codes")), error: "移す工程を選んでください。", status: .unprocessableContent)
        }
        let results: [LedgerDesk.BulkResult]
        do {
            results = try await ledger.moveAll(form.text("codes"), to: stage, note: form.text("note"), caller: context.caller)
        } catch let invalid as InvalidInput {
            return try bulkPage(context, stage: stage, codes: Self.echo(form.text("codes")), error: invalid.problems.map(\.message).joined(separator: " "),
                                status: .unprocessableContent)
        }
        let moved = results.filter(\.moved).count
        return try bulkPage(context, stage: stage, summary: "\(moved) 枚を「\(stage.label)」にしました（\(results.count - moved) 枚は更新できませんでした）。",
                            results: results.map { .init(applicationID: $0.applicationID, name: $0.name, result: $0.result, ok: $0.moved) })
    }
}
