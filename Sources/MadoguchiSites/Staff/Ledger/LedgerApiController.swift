import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The ledger for programs (bearer token): read one card, record what a counter reader read from
/// it (C7), move its stage, and import CSV files. Answers are JSON; refusals are problem details.
struct LedgerApiController {
    let ledger: LedgerDesk
    let maxUploadBytes: Int64

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

    func entry(_ context: AppRequestContext) async throws -> LedgerEntry {
        guard let id = ApplicationID(context.parameters.get("applicationId") ?? "") else {
            throw AppError.invalidInput([.init(field: "applicationId", message: ApplicationID.invalidMessage)])
        }
        guard let entry = try await ledger.find(applicationID: id.digits) else { throw AppError.notFound }
        return entry
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        _ = try await ledger.open(entry, caller: context.caller)
        return try Responses.json(EntryView(entry))
    }

    struct StageRequest: Decodable {
        let stage: String
        let note: String?
        /// `A-1-3`: where an inspected card goes (else the first free place).
        let storagePlace: String?
        /// The entry's version as last read: a stale one is refused (409).
        let version: Int?
        /// A handover: the id of the counter's read of the card in hand (#15).
        let cardRead: UUID?
    }

    /// One stage move (C6) for handheld scanners and scripts: the same rules as the card page.
    @Sendable func moveStage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        let body = try await Responses.decode(StageRequest.self, from: request)
        guard let stage = LedgerStage(rawValue: body.stage) else {
            throw AppError.invalidInput([.init(field: "stage", message: "stage は \(LedgerStage.allCases.map(\.rawValue).joined(separator: ", ")) のいずれかです。")])
        }
        let moved = try await ledger.move(entry, to: stage, note: body.note ?? "", place: body.storagePlace.map(LedgerDesk.StoragePlaceChoice.code),
                                          expectedVersion: body.version, via: " api", cardRead: body.cardRead, caller: context.caller)
        return try Responses.json(EntryView(moved))
    }

    struct CardDataAnswer: Encodable {
        let entry: EntryView
        /// What differs from the ledger and the registry, for the clerk to look at.
        let differences: [String]
    }

    @Sendable func cardData(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        let body = try await Responses.decode(CardData.self, from: request)
        let (updated, differences) = try await ledger.recordCardData(entry, body, source: "reader", caller: context.caller)
        return try Responses.json(CardDataAnswer(entry: EntryView(updated), differences: differences))
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
        guard let kind = ImportKind(rawValue: q["kind"].map(String.init) ?? "issuance-list") else {
            throw AppError.invalidInput([.init(field: "kind", message: "kind は issuance-list, ledger, registry のいずれかです。")])
        }
        guard context.caller.has(kind.permission) else { throw AppError.forbidden }
        if let length = request.headers[.contentLength].flatMap(Int64.init), length > maxUploadBytes { throw AppError.payloadTooLarge }
        let bytes: ByteBuffer
        do { bytes = try await request.body.collect(upTo: Int(maxUploadBytes)) } catch { throw AppError.payloadTooLarge }
        let checked = try await ledger.check(kind, data: Data(bytes.readableBytesView), fileName: fileName)
        let result = try await ledger.run(checked, dryRun: dryRun, via: " api", caller: context.caller)
        let refused = !result.succeeded
        let counts: (Int, Int, Int)? = result.ledger.map { ($0.created, $0.updated, $0.unchanged) } ?? result.registryRows.map { ($0, 0, 0) }
        let answer = ImportAnswer(
            type: refused ? "https://madoguchi.invalid/problems/import-refused" : "about:blank",
            title: refused ? "取り込めません（何も登録していません）" : (dryRun ? "確認のみ（登録していません）" : "取り込みました"),
            status: refused ? 422 : 200, dryRun: dryRun, fileName: result.fileName, encoding: result.encoding, lines: result.lines,
            ignoredColumns: result.ignored, created: refused ? nil : counts?.0, updated: refused ? nil : counts?.1,
            unchanged: refused ? nil : counts?.2, problems: result.problems.map { .init(line: $0.line, reasons: $0.reasons) })
        var response = try Responses.json(answer, status: refused ? .unprocessableContent : .ok)
        if refused { response.headers[.contentType] = "application/problem+json; charset=utf-8" }
        return response
    }
}
