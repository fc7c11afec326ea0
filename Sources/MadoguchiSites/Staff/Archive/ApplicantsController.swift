import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Staff pages for applicants and their scanned documents (B4, B5): search, register, the
/// applicant's page (documents, intake records, bookings, cards), recording an intake from it,
/// and the page viewer. Every view is audited.
struct ApplicantsController {
    let archive: ArchiveDesk
    let intake: IntakeDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/applicants", .permission(.applicantsView), use: search)
            .get("/applicants/new", .permission(.applicantsWrite), use: new)
            .post("/applicants", .permission(.applicantsWrite), use: create)
            .get("/applicants/:id", .permission(.applicantsView), use: show)
            .post("/applicants/:id/intakes", .permission(.intakeWrite), use: recordIntake)
            .get("/documents/:id", .permission(.documentsView), use: viewer)
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        func value(_ key: String) -> String? {
            query[Substring(key)].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let (kana, name, birth, applicationText) = (value("kana"), value("name"), value("birthDate"), value("applicationId"))
        var errors: [String] = []
        if let kana, Kana.searchKey(kana) == nil { errors.append(Kana.invalidMessage) }
        if let birth, CalendarDate(birth) == nil { errors.append("生年月日は YYYY-MM-DD で入力してください。") }
        let applicationID = applicationText.flatMap(ApplicationID.init)?.digits
        if applicationText != nil, applicationID == nil { errors.append(ApplicationID.invalidMessage) }
        if [kana, name, applicationText].contains(where: { $0.map(IndividualNumber.appears) ?? false }) {
            errors.append(IndividualNumber.refusalMessage)
        }
        let searched = errors.isEmpty && [kana, name, birth, applicationText].contains { $0 != nil }
        let results = searched ? try await archive.search(kana: kana, name: name, birthDate: birth.flatMap(CalendarDate.init),
                                                          applicationID: applicationID, caller: context.caller) : []
        let model = ArchiveModels.Search(
            filter: .init(kana: kana ?? "", name: name ?? "", birthDate: birth ?? "", applicationID: applicationText ?? ""), errors: errors,
            searched: searched, count: results.count, canWrite: context.caller.has(.applicantsWrite), canFees: context.caller.has(.feesWrite),
            applicants: results.map(ArchiveModels.Person.init))
        return try renderer.staff("applicants", context, title: "申請者の検索", current: "/applicants", model)
    }

    @Sendable func new(_ request: Request, context: AppRequestContext) async throws -> Response {
        try form(context, input: nil, problems: [], status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = context.form
        let input = Applicant(
            familyName: f.text("familyName"), givenName: f.text("givenName"), familyKana: f.text("familyKana"), givenKana: f.text("givenKana"),
            birthDate: f.text("birthDate"), sex: f["sex"] ?? "unspecified", postalCode: f.text("postalCode"), address: f.text("address"),
            phone: f.text("phone"), notes: f.text("notes"),
            applicationIDs: f.text("applicationIds").split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == "\r" }).map(String.init))
        do {
            let id = try await archive.register(input, caller: context.caller)
            return Responses.redirect("/applicants/\(id)?done=created")
        } catch let invalid as InvalidInput {
            return try form(context, input: input, problems: invalid.problems, status: .unprocessableContent)
        } catch let error as ApplicantError {
            return try form(context, input: input, problems: [.init(field: "applicationIds", message: error.description)], status: .conflict)
        }
    }

    func form(_ context: AppRequestContext, input: Applicant?, problems: [FieldProblem], status: HTTPResponse.Status) throws -> Response {
        let i = input ?? Applicant(familyName: "", familyKana: "", birthDate: "")
        let errors = FieldProblem.byField(problems)
        let fields: [ArchiveModels.Field] = [
            ("familyName", "氏", i.familyName, true, "text", "family-name"), ("givenName", "名", i.givenName, false, "text", "given-name"),
            ("familyKana", "フリガナ（氏）", i.familyKana, true, "text", "off"), ("givenKana", "フリガナ（名）", i.givenKana, false, "text", "off"),
            ("birthDate", "生年月日", i.birthDate, true, "date", "bday"), ("postalCode", "郵便番号", i.postalCode, false, "text", "postal-code"),
            ("address", "住所", i.address, false, "text", "street-address"), ("phone", "電話番号", i.phone, false, "tel", "tel"),
        ].map { name, label, value, required, type, autocomplete in
            .init(name: name, label: label, value: value, required: required, type: type, autocomplete: autocomplete, error: errors[name] ?? "")
        }
        let model = ArchiveModels.New(
            fields: fields, notes: i.notes, applicationIDs: i.applicationIDs.joined(separator: "\n"),
            sexOptions: [("male", "男"), ("female", "女"), ("unspecified", "回答なし")].map { .init(value: $0.0, label: $0.1, checked: i.sex == $0.0) },
            errors: problems.map(\.message), applicationIDsError: errors["applicationIds"] ?? "", notesError: errors["notes"] ?? "")
        return try renderer.staff("applicant-new", context, title: "申請者の登録", current: "/applicants", model, status: status)
    }

    func pathApplicant(_ context: AppRequestContext) async throws -> Applicant {
        guard let id = Int64(context.parameters.get("id") ?? ""), let applicant = try await archive.applicant(id: id) else { throw AppError.notFound }
        return applicant
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context: context, applicant: try await pathApplicant(context), intakeErrors: [], status: .ok)
    }

    /// The applicant's page; `intakeErrors` re-opens the intake form with what was wrong in it.
    func page(_ request: Request, context: AppRequestContext, applicant: Applicant, intakeErrors: [String],
              status: HTTPResponse.Status) async throws -> Response {
        let file = try await archive.open(applicant, caller: context.caller)
        let now = clock.now()
        let model = ArchiveModels.Page(
            applicant: .init(applicant), canSeeDocuments: context.caller.has(.documentsView), canUpload: context.caller.has(.documentsWrite),
            kinds: DocumentKind.allCases.map { Choice(value: $0.rawValue, label: $0.label) }, documents: file.documents.map(ArchiveModels.DocumentItem.init),
            intakes: file.intakes.map(ArchiveModels.IntakeItem.init), canIntake: context.caller.has(.intakeWrite),
            intakeForm: try await IntakeController.form(intake, applicant: applicant, draft: nil, today: CalendarDate(now)), intakeErrors: intakeErrors,
            canBookings: context.caller.has(.bookingView), bookings: file.bookings.map { .init($0, canWrite: false, now: now) },
            canLedger: context.caller.has(.ledgerView), cards: file.cards.map(LedgerModels.Row.init))
        let messages = request.uri.queryParameters["done"] == "created" ? PageMessages(flash: "申請者を登録しました。") : PageMessages(request)
        return try renderer.staff("applicant", context, title: "申請者: \(applicant.fullName)", current: "/applicants", messages: messages,
                                  model, status: status)
    }

    /// Records an intake from the applicant's page; problems re-open the form there.
    @Sendable func recordIntake(_ request: Request, context: AppRequestContext) async throws -> Response {
        let applicant = try await pathApplicant(context)
        switch IntakeController.draft(context.form, today: clock.now()) {
        case .failure(let invalid):
            return try await page(request, context: context, applicant: applicant, intakeErrors: invalid.problems.map(\.message), status: .unprocessableContent)
        case .success(let draft):
            let id = try await intake.record(draft, for: applicant, caller: context.caller)
            return Responses.redirect("/intakes/\(id)?done=created")
        }
    }

    /// The page viewer: one page at a time, zoom, rotate, previous/next, keyboard (app.js).
    @Sendable func viewer(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let (document, applicant, pages) = try await archive.openDocument(id: id, caller: context.caller)
        else { throw AppError.notFound }
        let model = ArchiveModels.Viewer(
            document: .init(id: document.id, kind: DocumentKind.label(of: document.kind), pageCount: document.pageCount, filename: document.originalFilename,
                            uploadedAt: JapaneseDate.dateTime(document.uploadedAt)),
            applicant: .init(id: applicant.id, name: applicant.fullName), pages: pages.map { .init(number: $0.number, width: $0.width, height: $0.height) })
        return try renderer.staff("document-viewer", context, title: "書類: \(applicant.fullName)", current: "/applicants", model)
    }
}
