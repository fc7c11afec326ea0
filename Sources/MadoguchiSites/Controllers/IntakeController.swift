import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// Intake records (B1, B2), outreach/workplace sessions, and fees with receipts and the daily
/// cash totals (B3). Every change is audited with the record it changes.
struct IntakeController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .post("/applicants/:id/intakes", .permission(.intakeWrite), use: create)
            .get("/intakes/:id", .permission(.applicantsView), use: show)
            .post("/intakes/:id", .permission(.intakeWrite), use: update)
            .post("/intakes/:id/fees", .permission(.feesWrite), use: addFee)
            .post("/fees/:id/pay", .permission(.feesWrite), use: pay)
            .post("/fees/:id/refund", .permission(.feesWrite), use: refund)
            .get("/intake-sessions", .permission(.applicantsView), use: sessions)
            .post("/intake-sessions", .permission(.intakeWrite), use: createSession)
            .get("/fees/daily", .permission(.feesWrite), use: daily)
    }

    /// Reads and checks the intake form; the problems are shown next to the form.
    func draft(_ form: FormData, applicant: Applicant) -> (IntakeDraft?, [String]) {
        var problems: [String] = []
        let applicationID = ApplicationID(form.text("application_id"))?.digits
        if applicationID == nil { problems.append(ApplicationID.invalidMessage) }
        let channel = IntakeChannel(rawValue: form.text("channel"))
        if channel == nil { problems.append("受付方法を選んでください。") }
        let day = CalendarDate(form.text("received_on"))
        if day == nil || !(day!.isOnOrBefore(services.clock.now())) { problems.append("受付日を正しく入力してください（未来の日付は不可）。") }
        let locationID = Int64(form.text("location_id"))
        let sessionID = Int64(form.text("session_id"))
        if sessionID != nil, !(channel?.hasSessions ?? false) { problems.append("出張・勤務地等経由の受付だけが出張先に属します。") }
        let notes = form.text("notes")
        if notes.count > 2000 { problems.append("備考は2000文字以内で入力してください。") }
        if IndividualNumber.appears(in: notes) { problems.append(IndividualNumber.refusalMessage) }
        guard problems.isEmpty, let applicationID, let channel, let day else { return (nil, problems) }
        return (IntakeDraft(applicationID: applicationID, channel: channel, receivedOn: day, locationID: locationID,
                                  sessionID: sessionID, identityVerified: form["identity_verified"] == "1", notes: notes), [])
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let applicantID = Int64(context.parameters.get("id") ?? ""), let applicant = try await services.applicants.find(id: applicantID)
        else { throw AppError.notFound }
        let (draft, problems) = draft(context.form, applicant: applicant)
        guard let draft else {
            return try await ApplicantsController(services: services).page(request, context: context, applicantID: applicantID,
                                                                           intakeErrors: problems, status: .unprocessableContent)
        }
        let id = try await services.database.transaction { connection in
            // Receiving a form for an ID not yet on file links it to this person.
            do { try await services.applicants.link(applicationID: draft.applicationID, to: applicantID, on: connection) } catch let error as ApplicantError {
                throw AppError.conflict(error.description)
            }
            let id = try await services.intakes.create(applicantID: applicantID, draft, staffUserID: context.identity?.userID, on: connection)
            try await services.auditLog.record(services.event(context, action: "intake.create", recordType: "intake", recordID: String(id),
                                                              detail: "applicant=\(applicantID) channel=\(draft.channel.rawValue)"), on: connection)
            return id
        }
        return Responses.redirect("/intakes/\(id)?done=created")
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context: context, problems: [], status: .ok)
    }

    func page(_ request: Request, context: AppRequestContext, problems: [String], status: HTTPResponse.Status) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let intake = try await services.intakes.find(id: id),
              let applicant = try await services.applicants.find(id: intake.applicantID) else { throw AppError.notFound }
        try await services.audit(context, action: "intake.view", recordType: "intake", recordID: String(id))
        let fees = try await services.fees.forIntake(id)
        let exemptions = try await services.fees.exemptions()
        let flash = ["created": "申請受付を登録しました。", "saved": "保存しました。", "fee": "手数料を記録しました。", "paid": "収納しました。",
                     "refunded": "還付を記録しました。"]
        var values: [String: Any] = [
            "intake": ["id": intake.id, "applicationID": intake.draft.applicationID, "channel": intake.draft.channel.label,
                       "receivedOn": intake.draft.receivedOn.description,
                       "receivedWareki": JapaneseDate.wareki(year: intake.draft.receivedOn.year, month: intake.draft.receivedOn.month,
                                                             day: intake.draft.receivedOn.day),
                       "location": intake.locationName ?? "—", "session": intake.sessionLabel ?? "—",
                       "identityVerified": intake.draft.identityVerified, "notes": intake.draft.notes, "staff": intake.staffLogin ?? "—",
                       "version": intake.version],
            "applicant": ["id": applicant.id, "name": applicant.fullName, "kana": applicant.fullKana],
            "form": try await formOptions(applicant: applicant, draft: intake.draft),
            "canEdit": context.identity?.has(.intakeWrite) ?? false,
            "canFees": context.identity?.has(.feesWrite) ?? false,
            "history": try await services.intakes.history(intakeID: id).map {
                ["version": $0.version, "changedAt": JapaneseDate.dateTime($0.changedAt), "changedBy": $0.changedBy, "before": $0.before]
            },
            "fees": fees.map { fee -> [String: Any] in
                ["id": fee.id, "item": fee.itemLabel, "amount": fee.amount, "status": fee.status.label, "isDue": fee.status == .due,
                 "isPaid": fee.status == .paid, "receipt": fee.receiptNumber ?? "",
                 "exemption": exemptions.first { $0.code == fee.exemption }?.label ?? "",
                 "paidAt": fee.paidAt.map(JapaneseDate.dateTime) ?? ""]
            },
            "feeItems": try await services.fees.items().map { ["code": $0.code, "label": $0.label, "amount": $0.amount] },
            "exemptions": exemptions.map { ["code": $0.code, "label": $0.label] },
            "errors": problems,
            "canSeeDocuments": context.identity?.has(.documentsView) ?? false,
            "documents": (context.identity?.has(.documentsView) ?? false)
                ? try await services.documents.documents(applicantID: applicant.id).filter { $0.intakeID == id }.map { d -> [String: Any] in
                    ["id": d.id, "kind": ApplicantsController.kindLabels[d.kind] ?? d.kind, "pageCount": d.pageCount]
                } : [],
        ]
        if let done = request.uri.queryParameters["done"].flatMap({ flash[String($0)] }) { values["flash"] = done }
        return try services.renderer.response("intake", StaffPage.context(context, title: "申請受付 \(intake.draft.applicationID)",
                                                                          current: "/applicants", values), status: status)
    }

    /// Choices for the intake form (channels, locations, sessions) with `draft` preselected.
    func formOptions(applicant: Applicant, draft: IntakeDraft?) async throws -> [String: Any] {
        [
            "applicationID": draft?.applicationID ?? applicant.applicationIDs.first ?? "",
            "receivedOn": (draft?.receivedOn ?? CalendarDate(services.clock.now())).description,
            "channels": IntakeChannel.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": draft?.channel == $0] },
            "locations": try await services.slots.locations().map { ["id": $0.id, "name": $0.name, "selected": draft?.locationID == $0.id] },
            "sessions": try await services.intakes.sessions(limit: 50).map { ["id": $0.id, "label": "\($0.channel.label) \($0.label)",
                                                                             "selected": draft?.sessionID == $0.id] },
            "identityVerified": draft?.identityVerified ?? false,
            "notes": draft?.notes ?? "",
        ]
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let intake = try await services.intakes.find(id: id),
              let applicant = try await services.applicants.find(id: intake.applicantID) else { throw AppError.notFound }
        let (draft, problems) = draft(context.form, applicant: applicant)
        guard let draft, let version = Int(context.form.text("version")) else {
            return try await page(request, context: context, problems: problems, status: .unprocessableContent)
        }
        do {
            try await services.database.transaction { connection in
                try await services.applicants.link(applicationID: draft.applicationID, to: applicant.id, on: connection)
                try await services.intakes.update(id: id, draft, expectedVersion: version, changedBy: context.identity?.userID, on: connection)
                try await services.auditLog.record(services.event(context, action: "intake.update", recordType: "intake", recordID: String(id),
                                                                  detail: "version=\(version + 1)"), on: connection)
            }
        } catch let error as IntakeError {
            return try await page(request, context: context, problems: [error.description], status: .conflict)
        } catch let error as ApplicantError {
            return try await page(request, context: context, problems: [error.description], status: .conflict)
        }
        return Responses.redirect("/intakes/\(id)?done=saved")
    }

    @Sendable func addFee(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let intake = try await services.intakes.find(id: id) else { throw AppError.notFound }
        let form = context.form
        guard let status = FeeStatus(rawValue: form.text("status")) else { throw AppError.badRequest("手数料の状態が正しくありません。") }
        let exemption = form.text("exemption").isEmpty ? nil : form.text("exemption")
        let notes = form.text("notes")
        if IndividualNumber.appears(in: notes) { throw AppError.invalidInput([.init(field: "notes", message: IndividualNumber.refusalMessage)]) }
        do {
            try await services.database.transaction { connection in
                let feeID = try await services.fees.add(intakeID: id, itemCode: form.text("item"), status: status, exemption: exemption,
                                                        locationID: intake.draft.locationID, recordedBy: context.identity?.userID,
                                                        notes: notes, now: services.clock.now(), on: connection)
                try await services.auditLog.record(services.event(context, action: "fee.create", recordType: "fee", recordID: String(feeID),
                                                                  detail: "intake=\(id) item=\(form.text("item")) status=\(status.rawValue)"),
                                                   on: connection)
            }
        } catch let error as FeeError {
            return try await page(request, context: context, problems: [error.description], status: .unprocessableContent)
        }
        return Responses.redirect("/intakes/\(id)?done=fee")
    }

    @Sendable func pay(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await feeTransition(context, action: "fee.pay", done: "paid") { id, connection in
            let receipt = try await services.fees.pay(id: id, locationID: nil, now: services.clock.now(), on: connection)
            return "receipt=\(receipt)"
        }
    }

    @Sendable func refund(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await feeTransition(context, action: "fee.refund", done: "refunded") { id, connection in
            try await services.fees.refund(id: id, now: services.clock.now(), on: connection)
            return ""
        }
    }

    func feeTransition(_ context: AppRequestContext, action: String, done: String,
                       _ change: @escaping @Sendable (Int64, PostgresConnection) async throws -> String) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let intakeID = try await services.fees.intakeID(ofFee: id) else {
            throw AppError.notFound
        }
        do {
            try await services.database.transaction { connection in
                let detail = try await change(id, connection)
                try await services.auditLog.record(services.event(context, action: action, recordType: "fee", recordID: String(id),
                                                                  detail: detail), on: connection)
            }
        } catch let error as FeeError {
            throw AppError.conflict(error.description)
        }
        return Responses.redirect("/intakes/\(intakeID)?done=\(done)")
    }

    @Sendable func sessions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let sessions = try await services.intakes.sessions()
        return try services.renderer.response("intake-sessions", StaffPage.context(context, title: "出張・勤務地等の受付", current: "/applicants", [
            "sessions": sessions.map { ["id": $0.id, "channel": $0.channel.label, "heldOn": $0.heldOn, "place": $0.place,
                                        "organisation": $0.organisation, "count": $0.intakeCount] },
            "canWrite": context.identity?.has(.intakeWrite) ?? false,
            "today": CalendarDate(services.clock.now()).description,
        ]))
    }

    @Sendable func createSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        guard let channel = IntakeChannel(rawValue: form.text("channel")), channel.hasSessions,
              let day = CalendarDate(form.text("held_on")), !form.text("place").isEmpty
        else { throw AppError.invalidInput([.init(field: "session", message: "種別・実施日・場所を入力してください。")]) }
        if [form.text("place"), form.text("organisation"), form.text("notes")].contains(where: IndividualNumber.appears) {
            throw AppError.invalidInput([.init(field: "session", message: IndividualNumber.refusalMessage)])
        }
        try await services.database.transaction { connection in
            let id = try await services.intakes.createSession(channel: channel, heldOn: day, place: form.text("place"),
                                                              organisation: form.text("organisation"), notes: form.text("notes"),
                                                              createdBy: context.identity?.userID, on: connection)
            try await services.auditLog.record(services.event(context, action: "intake-session.create", recordType: "intake_session",
                                                              recordID: String(id)), on: connection)
        }
        return Responses.redirect("/intake-sessions")
    }

    /// The day's fees per location and item, to reconcile the cash box (printable).
    @Sendable func daily(_ request: Request, context: AppRequestContext) async throws -> Response {
        let day = request.uri.queryParameters["date"].flatMap { CalendarDate(String($0)) } ?? CalendarDate(services.clock.now())
        let totals = try await services.fees.dailyTotals(day: day)
        return try services.renderer.response("fees-daily", StaffPage.context(context, title: "手数料日計", current: "/applicants", [
            "day": day.description, "dayWareki": JapaneseDate.wareki(year: day.year, month: day.month, day: day.day),
            "rows": totals.map { ["location": $0.location, "item": $0.itemLabel, "paidCount": $0.paidCount, "paidAmount": $0.paidAmount,
                                  "refundedCount": $0.refundedCount, "refundedAmount": $0.refundedAmount, "net": $0.net] },
            "total": totals.reduce(0) { $0 + $1.net },
        ]))
    }
}
