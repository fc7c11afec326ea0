import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// Staff pages for applicants and their scanned documents (B4, B5): search, register, the
/// applicant's page with document thumbnails, and the page viewer. Every view is audited.
struct ApplicantsController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/applicants", .permission(.applicantsView), use: search)
            .get("/applicants/new", .permission(.applicantsWrite), use: new)
            .post("/applicants", .permission(.applicantsWrite), use: create)
            .get("/applicants/:id", .permission(.applicantsView), use: show)
            .get("/documents/:id", .permission(.documentsView), use: viewer)
    }

    static let sexLabels = ["male": "男", "female": "女", "unspecified": "—"]
    static let kindLabels = ["application-form": "申請書", "identity-document": "本人確認書類", "proxy-letter": "委任状", "other": "その他"]

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        func value(_ key: String) -> String? {
            query[Substring(key)].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let (kana, name, birth, applicationText) = (value("kana"), value("name"), value("birth_date"), value("application_id"))
        var errors: [String] = []
        if let kana, Kana.searchKey(kana) == nil { errors.append(Kana.invalidMessage) }
        if let birth, CalendarDate(birth) == nil { errors.append("生年月日は YYYY-MM-DD で入力してください。") }
        let applicationID = applicationText.flatMap(ApplicationID.init)?.digits
        if applicationText != nil, applicationID == nil { errors.append(ApplicationID.invalidMessage) }
        if [kana, name, applicationText].contains(where: { $0.map(IndividualNumber.appears) ?? false }) {
            errors.append(IndividualNumber.refusalMessage)
        }
        let searched = errors.isEmpty && [kana, name, birth, applicationText].contains { $0 != nil }
        let results = searched ? try await services.applicants.search(
            kana: kana, name: name, birthDate: birth.flatMap(CalendarDate.init)?.description, applicationID: applicationID) : []
        if searched {
            try await services.audit(context, action: "applicant.search", recordType: "applicant", detail: "\(results.count)件")
        }
        return try services.renderer.response("applicants", StaffPage.context(context, title: "申請者の検索", current: "/applicants", [
            "filter": ["kana": kana ?? "", "name": name ?? "", "birthDate": birth ?? "", "applicationID": applicationText ?? ""],
            "errors": errors, "searched": searched, "count": results.count,
            "canWrite": context.identity?.has(.applicantsWrite) ?? false,
            "canFees": context.identity?.has(.feesWrite) ?? false,
            "applicants": results.map(row),
        ]))
    }

    func row(_ a: Applicant) -> [String: Any] {
        ["id": a.id, "name": a.fullName, "kana": a.fullKana, "birthDate": a.birthDate, "birthWareki": Self.wareki(a.birthDate),
         "sex": Self.sexLabels[a.sex] ?? "—", "address": a.address, "applicationIDs": a.applicationIDs]
    }

    static func wareki(_ text: String) -> String {
        CalendarDate(text).map { JapaneseDate.wareki(year: $0.year, month: $0.month, day: $0.day) } ?? ""
    }

    @Sendable func new(_ request: Request, context: AppRequestContext) async throws -> Response {
        try form(context, input: nil, problems: [], status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = context.form
        let input = Applicant(
            familyName: f.text("family_name"), givenName: f.text("given_name"), familyKana: f.text("family_kana"),
            givenKana: f.text("given_kana"), birthDate: f.text("birth_date"), sex: f["sex"] ?? "unspecified",
            postalCode: f.text("postal_code"), address: f.text("address"), phone: f.text("phone"), notes: f.text("notes"),
            applicationIDs: f.text("application_ids").split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == "\r" }).map(String.init))
        switch input.validated(today: services.clock.now()) {
        case .failure(let invalid):
            return try form(context, input: input, problems: invalid.problems, status: .unprocessableContent)
        case .success(let clean):
            do {
                let id = try await services.database.transaction { connection in
                    let id = try await services.applicants.create(clean, on: connection)
                    try await services.auditLog.record(services.event(context, action: "applicant.create", recordType: "applicant",
                                                                      recordID: String(id)), on: connection)
                    return id
                }
                return Responses.redirect("/applicants/\(id)?done=created")
            } catch let error as ApplicantError {
                return try form(context, input: input, problems: [.init(field: "application_ids", message: error.description)],
                                status: .conflict)
            }
        }
    }

    func form(_ context: AppRequestContext, input: Applicant?, problems: [FieldProblem], status: HTTPResponse.Status) throws -> Response {
        let i = input ?? Applicant(familyName: "", familyKana: "", birthDate: "")
        // Field names of the form, keyed by the validator's field names.
        let formField = ["familyName": "family_name", "givenName": "given_name", "familyKana": "family_kana", "givenKana": "given_kana",
                         "birthDate": "birth_date", "postalCode": "postal_code", "applicationIDs": "application_ids"]
        var fieldErrors: [String: String] = [:]
        for problem in problems { fieldErrors[formField[problem.field] ?? problem.field] = problem.message }
        let fields: [[String: Any]] = [
            ("family_name", "氏", i.familyName, true, "text", "family-name"), ("given_name", "名", i.givenName, false, "text", "given-name"),
            ("family_kana", "フリガナ（氏）", i.familyKana, true, "text", "off"), ("given_kana", "フリガナ（名）", i.givenKana, false, "text", "off"),
            ("birth_date", "生年月日", i.birthDate, true, "date", "bday"), ("postal_code", "郵便番号", i.postalCode, false, "text", "postal-code"),
            ("address", "住所", i.address, false, "text", "street-address"), ("phone", "電話番号", i.phone, false, "tel", "tel"),
        ].map { name, label, value, required, type, autocomplete in
            var field: [String: Any] = ["name": name, "label": label, "value": value, "required": required, "type": type,
                                        "autocomplete": autocomplete]
            if let error = fieldErrors[name] { field["error"] = error }
            return field
        }
        var values: [String: Any] = [
            "fields": fields, "notes": i.notes, "applicationIDs": i.applicationIDs.joined(separator: "\n"),
            "sexOptions": [("male", "男"), ("female", "女"), ("unspecified", "回答なし")].map {
                ["value": $0.0, "label": $0.1, "checked": i.sex == $0.0]
            },
            "errors": problems.map(\.message),
        ]
        if let error = fieldErrors["application_ids"] { values["applicationIDsError"] = error }
        if let error = fieldErrors["notes"] { values["notesError"] = error }
        return try services.renderer.response("applicant-new", StaffPage.context(context, title: "申請者の登録", current: "/applicants", values),
                                              status: status)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? "") else { throw AppError.notFound }
        return try await page(request, context: context, applicantID: id, intakeErrors: [], status: .ok)
    }

    /// The applicant's page; `intakeErrors` re-opens the intake form with what was wrong in it.
    func page(_ request: Request, context: AppRequestContext, applicantID id: Int64, intakeErrors: [String],
              status: HTTPResponse.Status) async throws -> Response {
        guard let applicant = try await services.applicants.find(id: id) else { throw AppError.notFound }
        let canSeeDocuments = context.identity?.has(.documentsView) ?? false
        let documents = canSeeDocuments ? try await services.documents.documents(applicantID: id) : []
        try await services.audit(context, action: "applicant.view", recordType: "applicant", recordID: String(id),
                                 detail: canSeeDocuments ? "documents=\(documents.count)" : "")
        var values: [String: Any] = [
            "applicant": row(applicant).merging(["postalCode": applicant.postalCode, "phone": applicant.phone, "notes": applicant.notes]) { $1 },
            "canSeeDocuments": canSeeDocuments,
            "canUpload": context.identity?.has(.documentsWrite) ?? false,
            "kinds": DocumentStore.kinds.map { ["value": $0, "label": Self.kindLabels[$0] ?? $0] },
            "documents": documents.map { d -> [String: Any] in
                ["id": d.id, "kind": Self.kindLabels[d.kind] ?? d.kind, "pageCount": d.pageCount, "filename": d.originalFilename,
                 "uploadedAt": JapaneseDate.dateTime(d.uploadedAt), "format": d.format.uppercased(), "applicationID": d.applicationID ?? ""]
            },
        ]
        values["intakes"] = try await services.intakes.forApplicant(id).map { intake -> [String: Any] in
            ["id": intake.id, "applicationID": intake.draft.applicationID, "channel": intake.draft.channel.label,
             "receivedOn": intake.draft.receivedOn.description, "location": intake.locationName ?? "—",
             "identityVerified": intake.draft.identityVerified]
        }
        values["canIntake"] = context.identity?.has(.intakeWrite) ?? false
        values["intakeForm"] = try await IntakeController(services: services).formOptions(applicant: applicant, draft: nil)
        values["intakeErrors"] = intakeErrors
        if request.uri.queryParameters["done"] == "created" { values["flash"] = "申請者を登録しました。" }
        return try services.renderer.response("applicant", StaffPage.context(
            context, title: "申請者: \(applicant.fullName)", current: "/applicants", values), status: status)
    }

    /// The page viewer: one page at a time, zoom, rotate, previous/next, keyboard (app.js).
    @Sendable func viewer(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("id") ?? ""), let document = try await services.documents.find(id: id),
              let applicant = try await services.applicants.find(id: document.applicantID)
        else { throw AppError.notFound }
        let pages = try await services.documents.pages(documentID: id)
        try await services.audit(context, action: "document.open", recordType: "document", recordID: String(id),
                                 detail: "applicant=\(applicant.id)")
        return try services.renderer.response("document-viewer", StaffPage.context(
            context, title: "書類: \(applicant.fullName)", current: "/applicants", [
                "document": ["id": document.id, "kind": Self.kindLabels[document.kind] ?? document.kind, "pageCount": document.pageCount,
                             "filename": document.originalFilename, "uploadedAt": JapaneseDate.dateTime(document.uploadedAt)],
                "applicant": ["id": applicant.id, "name": applicant.fullName],
                "pages": pages.map { ["number": $0.number, "width": $0.width, "height": $0.height] },
            ]))
    }
}
