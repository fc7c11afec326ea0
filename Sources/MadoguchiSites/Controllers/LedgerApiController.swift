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
