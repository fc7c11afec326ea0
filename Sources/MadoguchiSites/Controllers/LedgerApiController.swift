import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// The ledger for programs (bearer token): read one card, and the card-reader helper at the
/// counter posting what it read from the card (C7). Answers are JSON; refusals are problem details.
struct LedgerApiController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/api/v1/ledger/:applicationId", .permission(.ledgerView), use: show)
            .post("/api/v1/ledger/:applicationId/card-data", .permission(.ledgerWrite), use: cardData)
            .post("/api/v1/ledger/:applicationId/stage", .permission(.ledgerWrite), use: moveStage)
            .post("/api/v1/ledger/imports", .permission(.ledgerWrite), use: importFile)
    }

    struct EntryView: Encodable {
        let applicationId: String
        let name: String
        let kana: String
        let birthDate: String?
        let sex: String
        let address: String
        let cardKind: String
        let visitType: String
        let deliveryBatch: String
        let stage: String
        let storagePlace: String?
        let cardAddress: String
        let cardExpiry: String?
        let certificateExpiry: String?
        let version: Int

        init(_ e: LedgerEntry) {
            applicationId = e.applicationID
            name = e.name
            kana = e.kana
            birthDate = e.birthDate?.description
            sex = e.sex.rawValue
            address = e.address
            cardKind = e.cardKind.rawValue
            visitType = e.visitType.rawValue
            deliveryBatch = e.deliveryBatch
            stage = e.stage.rawValue
            storagePlace = e.storagePlace
            cardAddress = e.cardAddress
            cardExpiry = e.cardExpiry?.description
            certificateExpiry = e.certificateExpiry?.description
            version = e.version
        }
    }

    struct CardDataAnswer: Encodable {
        let entry: EntryView
        /// What differs from the ledger and the registry, for the clerk to look at.
        let differences: [String]
    }

    func entry(_ context: AppRequestContext) async throws -> LedgerEntry {
        guard let id = ApplicationID(context.parameters.get("applicationId") ?? "") else {
            throw AppError.invalidInput([.init(field: "applicationId", message: ApplicationID.invalidMessage)])
        }
        guard let entry = try await services.ledger.find(applicationID: id.digits) else { throw AppError.notFound }
        return entry
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        try await services.audit(context, action: "ledger.view", recordType: "ledger_entry", recordID: entry.applicationID)
        return try Responses.json(EntryView(entry))
    }

    struct StageRequest: Decodable {
        let stage: String
        let note: String?
        /// `A-1-3`: where an inspected card goes (else the first free place).
        let storagePlace: String?
        /// The entry's version as last read: a stale one is refused (409).
        let version: Int?
    }

    /// One stage move (C6) for handheld scanners and scripts: the same rules as the card page.
    @Sendable func moveStage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        let body = try await PublicApiController.decode(StageRequest.self, from: request)
        guard let stage = LedgerStage(rawValue: body.stage) else {
            throw AppError.invalidInput([.init(field: "stage", message: "stage は \(LedgerStage.allCases.map(\.rawValue).joined(separator: ", ")) のいずれかです。")])
        }
        let note = body.note ?? ""
        if IndividualNumber.appears(in: note) { throw AppError.invalidInput([.init(field: "note", message: IndividualNumber.refusalMessage)]) }
        if note.unicodeScalars.count > 1000 { throw AppError.invalidInput([.init(field: "note", message: "note は1000文字までです。")]) }
        var slotID: Int64?
        if let place = body.storagePlace {
            // A place is only taken at inspection of a card that has none: anything else would be ignored.
            guard stage == .inspected, entry.storageSlotID == nil else {
                throw AppError.invalidInput([.init(field: "storagePlace", message: "保管場所は、保管場所のないカードを検品済にするときだけ指定できます（移動は画面の「保管場所を移す」で）。")])
            }
            guard let code = StoragePlaceCode(place), let slot = try await services.storage.slot(code: code) else {
                throw AppError.invalidInput([.init(field: "storagePlace", message: LedgerError.placeNotFound(place).message)])
            }
            slotID = slot.id
        }
        do {
            let moved = try await services.database.transaction { connection in
                let moved = try await services.ledger.move(entryID: entry.id, to: stage, note: note, storageSlotID: slotID, expectedVersion: body.version,
                                                           staffUserID: context.identity?.userID, now: services.clock.now(), on: connection)
                try await services.auditLog.record(services.event(context, action: "ledger.stage", recordType: "ledger_entry", recordID: entry.applicationID,
                                                                  detail: "\(entry.stage.rawValue)→\(stage.rawValue) api"), on: connection)
                return moved
            }
            return try Responses.json(EntryView(moved))
        } catch let error as LedgerError {
            let slug = switch error {
            case .notAllowed: "stage-not-allowed"
            case .staleVersion: "stale-version"
            case .placeFull, .noFreePlace: "no-storage-place"
            default: "ledger-refused"
            }
            throw AppError.refused(status: .conflict, slug: slug, message: error.message)
        }
    }

    struct ImportAnswer: Encodable {
        struct Line: Encodable {
            let line: Int
            let reasons: [String]
        }
        let type: String
        let title: String
        let status: Int
        let dryRun: Bool
        let fileName: String
        let encoding: String
        let lines: Int
        let ignoredColumns: [String]
        let created: Int?
        let updated: Int?
        let unchanged: Int?
        let problems: [Line]
    }

    /// An import from a program (C3, C5, E5): the CSV is the raw body; `kind`, `dryRun` and
    /// `fileName` are query parameters. 200 with the counts; 422 naming every bad line, nothing written.
    @Sendable func importFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let dryRun = ["1", "true"].contains(q["dryRun"].map(String.init) ?? "")
        let fileName = q["fileName"].map(String.init) ?? "api-upload.csv"
        // The upload page's import, with the raw body as the file.
        let desk = LedgerImportController(services: services)
        guard let kind = LedgerImportController.Kind(rawValue: q["kind"].map(String.init) ?? "issuance-list") else {
            throw AppError.invalidInput([.init(field: "kind", message: "kind は issuance-list, ledger, registry のいずれかです。")])
        }
        guard desk.allowed(kind, context) else { throw AppError.forbidden }
        if let length = request.headers[.contentLength].flatMap(Int64.init), length > services.configuration.maxUploadBytes {
            throw AppError.payloadTooLarge
        }
        let bytes: ByteBuffer
        do { bytes = try await request.body.collect(upTo: Int(services.configuration.maxUploadBytes)) } catch { throw AppError.payloadTooLarge }
        let layout = kind == .issuanceList ? services.configuration.issuanceListLayout : ImportLayout()
        let checked = try await desk.check(kind: kind, data: Data(bytes.readableBytesView), fileName: fileName, layout: layout)
        let written = try await desk.perform(checked, dryRun: dryRun, context: context, via: " api")
        let answer = Self.answer(dryRun: dryRun, written: written)
        var response = try Responses.json(answer, status: answer.problems.isEmpty ? .ok : .unprocessableContent)
        if !answer.problems.isEmpty { response.headers[.contentType] = "application/problem+json; charset=utf-8" }
        return response
    }

    static func answer(dryRun: Bool, written: LedgerImportController.Written) -> ImportAnswer {
        let refused = !written.succeeded
        let counts: (Int, Int, Int)? = written.ledger.map { ($0.created, $0.updated, $0.unchanged) } ?? written.registryRows.map { ($0, 0, 0) }
        return ImportAnswer(
            type: refused ? "https://madoguchi.invalid/problems/import-refused" : "about:blank",
            title: refused ? "取り込めません（何も登録していません）" : (dryRun ? "確認のみ（登録していません）" : "取り込みました"),
            status: refused ? 422 : 200, dryRun: dryRun, fileName: written.fileName, encoding: written.encoding, lines: written.lines,
            ignoredColumns: written.ignored, created: refused ? nil : counts?.0, updated: refused ? nil : counts?.1,
            unchanged: refused ? nil : counts?.2, problems: written.problems.map { ImportAnswer.Line(line: $0.line, reasons: $0.reasons) })
    }

    @Sendable func cardData(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        let body = try await PublicApiController.decode(CardData.self, from: request)
        let checked: CardData.Checked
        switch body.validated(today: CalendarDate(services.clock.now())) {
        case .failure(let invalid): throw AppError.invalidInput(invalid.problems.map { .init(field: $0.field, message: $0.message) })
        case .success(let value): checked = value
        }
        let updated = try await services.database.transaction { connection in
            let updated = try await services.ledger.recordCardData(entryID: entry.id, checked, source: "reader", staffUserID: context.identity?.userID,
                                                                   now: services.clock.now(), on: connection)
            try await services.auditLog.record(services.event(context, action: "ledger.card-data", recordType: "ledger_entry",
                                                              recordID: entry.applicationID, detail: "source=reader \(body.reader ?? "")"), on: connection)
            return updated
        }
        var differences: [String] = []
        if !entry.address.isEmpty, !CardData.sameAddress(entry.address, checked.address) {
            differences.append("address differs from the ledger (\(entry.address))")
        }
        if let old = entry.cardExpiry, old != checked.cardExpiry { differences.append("cardExpiry differs from the ledger (\(old))") }
        if let old = entry.certificateExpiry, old != checked.certificateExpiry { differences.append("certificateExpiry differs from the ledger (\(old))") }
        return try Responses.json(CardDataAnswer(entry: EntryView(updated), differences: differences))
    }
}
