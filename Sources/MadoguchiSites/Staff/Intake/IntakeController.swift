import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Intake records (B1, B2), outreach and workplace sessions, and fees with receipts and the
/// daily cash totals (B3). The form that records a new intake is on the applicant's page.
struct IntakeController {
    let intake: IntakeDesk
    let archive: ArchiveDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/intakes/:id", .permission(.applicantsView), use: show)
            .post("/intakes/:id", .permission(.intakeWrite), use: update)
            .post("/intakes/:id/fees", .permission(.feesWrite), use: addFee)
            .post("/fees/:id/pay", .permission(.feesWrite), use: pay)
            .post("/fees/:id/refund", .permission(.feesWrite), use: refund)
            .get("/intake-sessions", .permission(.applicantsView), use: sessions)
            .post("/intake-sessions", .permission(.intakeWrite), use: createSession)
            .get("/fees/daily", .permission(.feesWrite), use: daily)
    }

    /// The intake form's values and choices, with `draft` preselected.
    static func form(_ intake: IntakeDesk, applicant: Applicant, draft: IntakeDraft?, today: CalendarDate) async throws -> IntakeModels.Form {
        IntakeModels.Form(
            applicationID: draft?.applicationID ?? applicant.applicationIDs.first ?? "", receivedOn: (draft?.receivedOn ?? today).description,
            channels: IntakeChannel.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: draft?.channel == $0) },
            locations: try await intake.locations().map { .init(id: $0.id, label: $0.name, name: $0.name, selected: draft?.locationID == $0.id) },
            sessions: try await intake.sessions(limit: 50).map {
                .init(id: $0.id, label: "\($0.channel.label) \($0.label)", name: $0.label, selected: draft?.sessionID == $0.id)
            },
            identityVerified: draft?.identityVerified ?? false, notes: draft?.notes ?? "")
    }

    /// The intake form as posted, checked.
    static func draft(_ form: FormData, today: Date) -> Result<IntakeDraft, InvalidInput> {
        IntakeDraft.parse(applicationID: form.text("applicationId"), channel: form.text("channel"), receivedOn: form.text("receivedOn"),
                          locationID: form.text("locationId"), sessionID: form.text("sessionId"), identityVerified: form["identityVerified"] == "1",
                          notes: form.text("notes"), today: today)
    }

    func records(_ context: AppRequestContext) async throws -> (Intake, Applicant) {
        guard let id = Int64(context.parameters.get("id") ?? ""), let record = try await intake.intake(id: id),
              let applicant = try await archive.applicant(id: record.applicantID) else { throw AppError.notFound }
        return (record, applicant)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context: context, problems: [], status: .ok)
    }

    static let done = ["created": "申請受付を登録しました。", "saved": "保存しました。", "fee": "手数料を記録しました。", "paid": "収納しました。",
                       "refunded": "還付を記録しました。"]

    func page(_ request: Request, context: AppRequestContext, problems: [String], status: HTTPResponse.Status) async throws -> Response {
        let (record, applicant) = try await records(context)
        let opened = try await intake.open(record, caller: context.caller)
        let exemptions = try await intake.exemptions()
        let draft = record.draft
        let canSeeDocuments = context.caller.has(.documentsView)
        let documents = canSeeDocuments ? try await archive.documents(of: applicant).filter { $0.intakeID == record.id } : []
        let model = IntakeModels.Page(
            intake: .init(id: record.id, applicationID: draft.applicationID, channel: draft.channel.label, receivedOn: draft.receivedOn.description,
                          receivedWareki: JapaneseDate.wareki(year: draft.receivedOn.year, month: draft.receivedOn.month, day: draft.receivedOn.day),
                          location: record.locationName ?? "—", session: record.sessionLabel ?? "—", identityVerified: draft.identityVerified,
                          notes: draft.notes, staff: record.staffLogin ?? "—", version: record.version),
            applicant: .init(id: applicant.id, name: applicant.fullName), applicantKana: applicant.fullKana,
            form: try await Self.form(intake, applicant: applicant, draft: draft, today: CalendarDate(clock.now())),
            canEdit: context.caller.has(.intakeWrite), canFees: context.caller.has(.feesWrite),
            history: opened.history.map { .init(version: $0.version, changedAt: JapaneseDate.dateTime($0.changedAt), changedBy: $0.changedBy, before: $0.before) },
            fees: opened.fees.map { fee in
                .init(id: fee.id, item: fee.itemLabel, amount: fee.amount, status: fee.status.label, isDue: fee.status == .due, isPaid: fee.status == .paid,
                      receipt: fee.receiptNumber ?? "", exemption: exemptions.first { $0.code == fee.exemption }?.label ?? "",
                      paidAt: fee.paidAt.map(JapaneseDate.dateTime) ?? "")
            },
            feeItems: try await intake.feeItems().map { .init(code: $0.code, label: $0.label, amount: $0.amount) },
            exemptions: exemptions.map { Choice(value: $0.code, label: $0.label) }, errors: problems, canSeeDocuments: canSeeDocuments,
            documents: documents.map { .init(id: $0.id, kind: DocumentKind.label(of: $0.kind), pageCount: $0.pageCount) })
        var messages = PageMessages(request)
        if let done = request.uri.queryParameters["done"].flatMap({ Self.done[String($0)] }) { messages.flash = done }
        return try renderer.staff("intake", context, title: "申請受付 \(draft.applicationID)", current: "/applicants", messages: messages,
                                  model, status: status)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (record, _) = try await records(context)
        let draft: IntakeDraft
        switch Self.draft(context.form, today: clock.now()) {
        case .failure(let invalid): return try await page(request, context: context, problems: invalid.problems.map(\.message), status: .unprocessableContent)
        case .success(let value): draft = value
        }
        guard let version = Int(context.form.text("version")) else { throw AppError.badRequest("版数がありません。") }
        do {
            try await intake.update(record, to: draft, expectedVersion: version, caller: context.caller)
        } catch let error as IntakeError {
            return try await page(request, context: context, problems: [error.description], status: .conflict)
        } catch let error as ApplicantError {
            return try await page(request, context: context, problems: [error.description], status: .conflict)
        }
        return Responses.redirect("/intakes/\(record.id)?done=saved")
    }

    @Sendable func addFee(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (record, _) = try await records(context)
        let form = context.form
        guard let status = FeeStatus(rawValue: form.text("status")) else { throw AppError.badRequest("手数料の状態が正しくありません。") }
        do {
            try await intake.addFee(to: record, item: form.text("item"), status: status, exemption: form.text("exemption").isEmpty ? nil : form.text("exemption"),
                                    notes: form.text("notes"), caller: context.caller)
        } catch let error as FeeError {
            return try await page(request, context: context, problems: [error.description], status: .unprocessableContent)
        }
        return Responses.redirect("/intakes/\(record.id)?done=fee")
    }

    func feeChange(_ context: AppRequestContext, done: String, _ change: (Int64) async throws -> Void) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let intakeID = try await intake.intakeID(ofFee: id) else { throw AppError.notFound }
        try await change(id)
        return Responses.redirect("/intakes/\(intakeID)?done=\(done)")
    }

    @Sendable func pay(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await feeChange(context, done: "paid") { try await intake.pay(feeID: $0, caller: context.caller) }
    }

    @Sendable func refund(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await feeChange(context, done: "refunded") { try await intake.refund(feeID: $0, caller: context.caller) }
    }

    @Sendable func sessions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let model = IntakeModels.Sessions(
            sessions: try await intake.sessions().map { .init(id: $0.id, channel: $0.channel.label, heldOn: $0.heldOn, place: $0.place,
                                                              organisation: $0.organisation, count: $0.intakeCount) },
            canWrite: context.caller.has(.intakeWrite), today: CalendarDate(clock.now()).description)
        return try renderer.staff("intake-sessions", context, title: "出張・勤務地等の受付", current: "/applicants", model)
    }

    @Sendable func createSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        try await intake.createSession(channel: IntakeChannel(rawValue: form.text("channel")), heldOn: CalendarDate(form.text("heldOn")),
                                       place: form.text("place"), organisation: form.text("organisation"), notes: form.text("notes"), caller: context.caller)
        return Responses.redirect("/intake-sessions")
    }

    /// The day's fees per location and item, to reconcile the cash box (printable).
    @Sendable func daily(_ request: Request, context: AppRequestContext) async throws -> Response {
        let day = request.uri.queryParameters["date"].flatMap { CalendarDate(String($0)) } ?? CalendarDate(clock.now())
        let totals = try await intake.dailyTotals(day: day)
        let model = IntakeModels.Daily(
            day: day.description, dayWareki: JapaneseDate.wareki(year: day.year, month: day.month, day: day.day),
            rows: totals.map { .init(location: $0.location, item: $0.itemLabel, paidCount: $0.paidCount, paidAmount: $0.paidAmount,
                                     refundedCount: $0.refundedCount, refundedAmount: $0.refundedAmount, net: $0.net) },
            total: totals.reduce(0) { $0 + $1.net })
        return try renderer.staff("fees-daily", context, title: "手数料日計", current: "/applicants", model)
    }
}
