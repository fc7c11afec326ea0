import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// One card's page (C1, C4, C6-C9): its facts, history, stage moves, place, visit type, notes,
/// card data typed from the card, the registry check, the person's bookings, and its PDFs.
struct LedgerCardController {
    let ledger: LedgerDesk
    let cardReader: CardReaderDesk
    let renderer: PageRenderer

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/ledger/entries/:id", .permission(.ledgerView), use: show)
            .post("/ledger/entries/:id/stage", .permission(.ledgerWrite), use: moveStage)
            .post("/ledger/entries/:id/place", .permission(.ledgerWrite), use: movePlace)
            .post("/ledger/entries/:id/visit-type", .permission(.ledgerWrite), use: setVisitType)
            .post("/ledger/entries/:id/notes", .permission(.ledgerWrite), use: setNotes)
            .post("/ledger/entries/:id/card-data", .permission(.ledgerWrite), use: cardData)
            .get("/ledger/entries/:id/checklist.pdf", .permission(.ledgerView), use: checklist)
            .get("/ledger/entries/:id/receipt.pdf", .permission(.ledgerView), use: receipt)
    }

    func entry(_ context: AppRequestContext) async throws -> LedgerEntry {
        guard let id = Int64(context.parameters.get("id") ?? ""), let entry = try await ledger.find(id: id) else { throw AppError.notFound }
        return entry
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context: context, problems: [], status: .ok)
    }

    static let done = ["moved": "工程を更新しました。", "placed": "保管場所を変更しました。", "visit": "来庁区分を変更しました。",
                       "notes": "備考を保存しました。", "card": "カード情報を記録しました。"]

    func page(_ request: Request, context: AppRequestContext, problems: [String], status: HTTPResponse.Status,
              cardForm: CardData? = nil) async throws -> Response {
        let card = try await ledger.open(try await entry(context), caller: context.caller)
        let entry = card.entry
        var messages = PageMessages(request)
        if let done = request.uri.queryParameters["done"].flatMap({ Self.done[String($0)] }) { messages.flash = done }
        var model = LedgerModels.Entry(
            entry: .init(entry),
            moves: entry.allowedMoves.map { .init(value: $0.rawValue, label: $0.label, needsPlace: $0 == .inspected && entry.storageSlotID == nil) },
            canMove: !entry.allowedMoves.isEmpty, needsPlace: entry.allowedMoves.contains(.inspected) && entry.storageSlotID == nil,
            slots: card.places.map { .init(id: $0.id, code: $0.code, free: $0.capacity - $0.used, full: $0.isFull && $0.id != entry.storageSlotID,
                                           selected: $0.id == (entry.storageSlotID ?? card.suggestedPlace)) },
            suggested: card.places.first { $0.id == card.suggestedPlace }?.code ?? "", isHeld: entry.stage.isHeld,
            visitTypes: VisitType.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == entry.visitType) },
            events: card.events.map(LedgerModels.Event.init), canRegistry: card.registry != nil, registry: card.registry.map(RegistryView.init),
            differences: card.differences, bookings: card.bookings.map(LedgerModels.BookingLink.init),
            cardForm: .init(address: cardForm?.address ?? (entry.cardAddress.isEmpty ? entry.address : entry.cardAddress),
                            cardExpiry: cardForm?.cardExpiry ?? entry.cardExpiry?.description ?? "",
                            certificateExpiry: cardForm?.certificateExpiry ?? entry.certificateExpiry?.description ?? ""),
            errors: problems, canWrite: context.caller.has(.ledgerWrite),
            canApplicant: context.caller.has(.applicantsView) && entry.applicantID != nil)
        model.contact = card.contact.map { "\($0.email)（\($0.source.label) \(JapaneseDate.dateTime($0.consentedAt))）" } ?? ""
        model.mails = card.mails.map(BookingsModels.Delivery.init)
        if context.caller.has(.ledgerWrite) {
            let terminals = try await cardReader.connectedTerminals()
            model.cardRead = .init(
                terminals: terminals.map { Choice(value: $0.name, label: $0.reader.isEmpty ? "\($0.name)（リーダー未接続）" : "\($0.name)（\($0.reader)）") },
                unlocks: CardUnlock.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == .verificationCodeB) },
                purposes: CardReadPurpose.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: ($0 == .handover) == (entry.stage == .notified)) },
                recent: try await cardReader.recent(entry).map {
                    .init(url: "/ledger/entries/\(entry.id)/card-read/\($0.id.uuidString)", at: JapaneseDate.dateTime($0.createdAt), terminal: $0.terminal,
                          purpose: $0.purpose.label, status: $0.status.label)
                },
                handoverCardCheck: ledger.handoverCardCheck)
        }
        return try renderer.staff("ledger-entry", context, title: "カード \(entry.applicationID)", current: "/ledger", messages: messages,
                                  model, status: status)
    }

    /// Runs one change; a ledger refusal or a bad note goes back to the page as the message.
    func change(_ context: AppRequestContext, done: String, _ body: (LedgerEntry) async throws -> Void) async throws -> Response {
        let entry = try await entry(context)
        do {
            try await body(entry)
        } catch let error as LedgerError {
            return Responses.redirect("/ledger/entries/\(entry.id)", error: error.message)
        } catch let invalid as InvalidInput {
            return Responses.redirect("/ledger/entries/\(entry.id)", error: invalid.problems.map(\.message).joined(separator: " "))
        }
        return Responses.redirect("/ledger/entries/\(entry.id)?done=\(done)")
    }

    @Sendable func moveStage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        guard let stage = LedgerStage(rawValue: form.text("stage")) else { throw AppError.badRequest("stage") }
        let place = Int64(form.text("slot")).map(LedgerDesk.StoragePlaceChoice.slot)
        return try await change(context, done: "moved") {
            _ = try await ledger.move($0, to: stage, note: form.text("note"), place: place, expectedVersion: Int(form.text("version")),
                                     cardRead: UUID(uuidString: form.text("cardRead")), caller: context.caller)
        }
    }

    @Sendable func movePlace(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slotID = Int64(context.form.text("slot")) else { throw AppError.badRequest("slot") }
        return try await change(context, done: "placed") { _ = try await ledger.place($0, in: slotID, note: context.form.text("note"), caller: context.caller) }
    }

    @Sendable func setVisitType(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let type = VisitType(rawValue: context.form.text("visitType")) else { throw AppError.badRequest("visitType") }
        return try await change(context, done: "visit") { try await ledger.setVisitType($0, type, caller: context.caller) }
    }

    @Sendable func setNotes(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await change(context, done: "notes") { try await ledger.setNotes($0, context.form.text("notes"), caller: context.caller) }
    }

    /// Card data typed by staff from the card (C7).
    @Sendable func cardData(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let data = CardData(address: form.text("address"), cardExpiry: form.text("cardExpiry"), certificateExpiry: form.text("certificateExpiry"))
        do {
            _ = try await ledger.recordCardData(try await entry(context), data, source: "staff", caller: context.caller)
        } catch let invalid as InvalidInput {
            return try await page(request, context: context, problems: invalid.problems.map(\.message), status: .unprocessableContent, cardForm: data)
        }
        return Responses.redirect("/ledger/entries/\(try await entry(context).id)?done=card")
    }

    @Sendable func checklist(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        return Responses.pdf(try await ledger.checklist(entry, caller: context.caller), filename: "checklist-\(entry.applicationID).pdf")
    }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        return Responses.pdf(try await ledger.receipt(entry, caller: context.caller), filename: "receipt-\(entry.applicationID).pdf")
    }
}
