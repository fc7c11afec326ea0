import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging

/// QR registration (C2) and bulk stage moves by scanning (C6). A keyboard-wedge scanner types
/// the code and Enter into the focused field; each scan is one request that registers or confirms
/// one card at once. A scanned page of the list (image or PDF) is decoded with libzbar, shown for
/// confirmation, then registered in one transaction.
struct LedgerScanController {
    let services: SiteServices

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
        try await render(request, context: context, values: [:])
    }

    func render(_ request: Request, context: AppRequestContext, values: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        var values = values
        values["today"] = try await services.ledger.scansToday(now: services.clock.now())
        values["canWrite"] = true
        values["pattern"] = services.qrFormat.pattern
        if let flash = request.uri.queryParameters["flash"] { values["flash"] = String(flash) }
        if let error = request.uri.queryParameters["error"] { values["error"] = String(error) }
        return try services.renderer.response("ledger-scan", StaffPage.context(context, title: "QRコード読取", current: "/ledger", values), status: status)
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
        let wantsJSON = request.headers[.accept]?.contains("application/json") ?? false
        let code = context.form.text("code")
        let result: ScanResult
        if let payload = services.qrFormat.parse(code) {
            let outcome = try await services.database.transaction { connection in
                let outcome = try await services.ledger.registerScan(payload, staffUserID: context.identity?.userID, now: services.clock.now(),
                                                                     on: connection)
                let kind = switch outcome { case .registered: "registered"; case .confirmed: "confirmed"; case .alreadyConfirmed: "already" }
                try await services.auditLog.record(services.event(context, action: "ledger.qr", recordType: "ledger_entry",
                                                                  recordID: payload.applicationID.digits, detail: kind), on: connection)
                return outcome
            }
            let today = try await services.ledger.scansToday(now: services.clock.now())
            switch outcome {
            case .registered(let e):
                result = ScanResult(outcome: "registered", message: "新規登録しました（CSV未取込のカード）", applicationId: e.applicationID,
                                    name: e.name, stage: e.stage.label, today: today)
            case .confirmed(let e):
                result = ScanResult(outcome: "confirmed", message: "納品を確認しました", applicationId: e.applicationID, name: e.name,
                                    stage: e.stage.label, today: today)
            case .alreadyConfirmed(let e):
                result = ScanResult(outcome: "already", message: "読取済みです（変更なし）", applicationId: e.applicationID, name: e.name,
                                    stage: e.stage.label, today: today)
            }
        } else {
            result = ScanResult(outcome: "invalid", message: "発行一覧表のQRコードではありません", applicationId: nil, name: nil, stage: nil,
                                today: try await services.ledger.scansToday(now: services.clock.now()))
        }
        if wantsJSON { return try Responses.json(result, status: result.outcome == "invalid" ? .unprocessableContent : .ok) }
        let text = "\(result.applicationId ?? ""): \(result.message)"
        return result.outcome == "invalid" ? Responses.redirect("/ledger/scan", error: result.message) : Responses.redirect("/ledger/scan", flash: text)
    }

    /// Decodes every QR code on an uploaded page (PNG, JPEG, TIFF, or PDF) and lists them for confirmation.
    @Sendable func scanPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let file = context.files["page"], !file.data.isEmpty else {
            return try await render(request, context: context, values: ["error": "読み取る画像かPDFを選んでください。"], status: .unprocessableContent)
        }
        let limits = ImagingLimits(maxPixelsPerPage: services.configuration.maxPixelsPerPage)
        let data = file.data
        let texts: [String]
        do {
            texts = try await OffPool.run { try Self.decodeCodes(data, limits: limits) }
        } catch let error as ImagingError {
            return try await render(request, context: context, values: ["error": error.description], status: .unprocessableContent)
        } catch let error as PDFRasterizeError {
            return try await render(request, context: context, values: ["error": error.message], status: .unprocessableContent)
        } catch let error as QRScanError {
            return try await render(request, context: context, values: ["error": error.message], status: .unprocessableContent)
        }
        var rows: [[String: Any]] = []
        var seen = Set<String>()
        for text in texts {
            guard let payload = services.qrFormat.parse(text) else {
                rows.append(["code": ImportProblem.shown(text, limit: 40), "status": "発行一覧表のQRコードではありません", "ok": false])
                continue
            }
            let id = payload.applicationID.digits
            guard seen.insert(id).inserted else { continue }
            let existing = try await services.ledger.find(applicationID: id)
            let status = existing == nil ? "新規登録" : (existing?.qrConfirmedAt == nil ? "納品確認（\(existing?.name ?? "")）" : "読取済み（変更なし）")
            rows.append(["code": text, "applicationID": id, "status": status, "ok": true])
        }
        try await services.audit(context, action: "ledger.qr-page.check", recordType: "ledger", recordID: file.filename,
                                 detail: "codes=\(texts.count)")
        return try await render(request, context: context, values: [
            "decoded": rows, "decodedCount": rows.count, "showDecoded": true, "fileName": file.filename,
            "registrable": rows.contains { $0["ok"] as? Bool == true },
        ])
    }

    static func decodeCodes(_ data: Data, limits: ImagingLimits) throws -> [String] {
        var pages: [RGBAPixels] = []
        if data.starts(with: Array("%PDF".utf8)) {
            pages = try PDFRasterizer.pages(of: data, dpi: 300, maxPages: 20)
        } else {
            let image = try ScannedImage(data: data, limits: limits)
            for index in 0..<min(image.pageCount, 20) { pages.append(try image.pixels(page: index)) }
        }
        return try pages.flatMap { try QRScanner.decode($0).map(\.text) }
    }

    @Sendable func confirmPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        // In application-ID order: entries are locked in one order, whoever else is registering.
        let payloads = context.form.all("codes").compactMap(services.qrFormat.parse).sorted { $0.applicationID.digits < $1.applicationID.digits }
        guard !payloads.isEmpty else { return Responses.redirect("/ledger/scan", error: "登録するQRコードがありません。") }
        var counts = (registered: 0, confirmed: 0, already: 0)
        try await services.database.transaction { connection in
            for payload in payloads {
                switch try await services.ledger.registerScan(payload, staffUserID: context.identity?.userID, now: services.clock.now(), on: connection) {
                case .registered: counts.registered += 1
                case .confirmed: counts.confirmed += 1
                case .alreadyConfirmed: counts.already += 1
                }
            }
            try await services.auditLog.record(services.event(context, action: "ledger.qr-page", recordType: "ledger",
                                                              detail: "registered=\(counts.registered) confirmed=\(counts.confirmed) already=\(counts.already)"),
                                               on: connection)
        }
        return Responses.redirect("/ledger/scan", flash: "新規登録 \(counts.registered) 件、納品確認 \(counts.confirmed) 件、読取済み \(counts.already) 件。")
    }

    // MARK: bulk stage moves

    /// The scanned codes shown again in the form, without any line that holds an individual number.
    static func echo(_ codes: String) -> String {
        codes.split(whereSeparator: \.isNewline).filter { !IndividualNumber.appears(in: String($0)) }.joined(separator: "\n")
    }

    @Sendable func bulkForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        try bulkPage(context, values: [:])
    }

    func bulkPage(_ context: AppRequestContext, values: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        var values = values
        let chosen = values["stage"] as? String
        values["stages"] = LedgerStage.allCases.filter { $0 != .delivered }.map { ["value": $0.rawValue, "label": $0.label, "selected": $0.rawValue == chosen] }
        values["canWrite"] = true
        return try services.renderer.response("ledger-bulk", StaffPage.context(context, title: "一括工程更新", current: "/ledger", values), status: status)
    }

    /// Moves every scanned card to one stage. Each card moves in its own transaction, so one card
    /// that may not move does not hold back the rest; the result lists every card with its outcome.
    @Sendable func bulk(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        guard let stage = LedgerStage(rawValue: form.text("stage")) else {
            return try bulkPage(context, values: ["error": "移す工程を選んでください。", "codes": Self.echo(form.text("codes"))], status: .unprocessableContent)
        }
        let note = form.text("note")
        if IndividualNumber.appears(in: note) {
            return try bulkPage(context, values: ["error": IndividualNumber.refusalMessage, "codes": Self.echo(form.text("codes")), "stage": stage.rawValue],
                                status: .unprocessableContent)
        }
        var ids: [String] = []
        var unreadable: [String] = []
        for line in form.text("codes").split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if let id = services.qrFormat.parse(String(line))?.applicationID ?? ApplicationID(String(line)) {
                if !ids.contains(id.digits) { ids.append(id.digits) }
            } else {
                unreadable.append(ImportProblem.shown(String(line), limit: 40))
            }
        }
        var rows: [[String: Any]] = []
        var moved = 0
        for id in ids {
            guard let entry = try await services.ledger.find(applicationID: id) else {
                rows.append(["applicationID": id, "name": "", "result": LedgerError.notFound.message, "ok": false])
                continue
            }
            do {
                let after = try await services.database.transaction { connection in
                    let after = try await services.ledger.move(entryID: entry.id, to: stage, note: note.isEmpty ? "一括更新" : note,
                                                               staffUserID: context.identity?.userID, now: services.clock.now(), on: connection)
                    try await services.auditLog.record(services.event(context, action: "ledger.stage", recordType: "ledger_entry", recordID: id,
                                                                      detail: "\(entry.stage.rawValue)→\(stage.rawValue) bulk"), on: connection)
                    return after
                }
                moved += 1
                rows.append(["applicationID": id, "name": entry.name, "result": "\(entry.stage.label) → \(after.stage.label)\(after.storagePlace.map { "（保管場所 \($0)）" } ?? "")", "ok": true])
            } catch let error as LedgerError {
                rows.append(["applicationID": id, "name": entry.name, "result": error.message, "ok": false])
            }
        }
        for code in unreadable { rows.append(["applicationID": code, "name": "", "result": "申請書IDとして読めません", "ok": false]) }
        return try bulkPage(context, values: ["results": rows, "stage": stage.rawValue,
                                              "summary": "\(moved) 枚を「\(stage.label)」にしました（\(rows.count - moved) 枚は更新できませんでした）。"])
    }
}
