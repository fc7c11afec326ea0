import Foundation
import Hummingbird
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging

/// The scanning stations' API (B4-B6): register applicants, upload scans as raw bodies, list an
/// applicant's documents and fetch page previews. Every read of personal data is audited.
struct ArchiveApiController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .post("/api/v1/applicants", .permission(.applicantsWrite), use: createApplicant)
            .get("/api/v1/applicants/:id", .permission(.applicantsView), use: showApplicant)
            .post("/api/v1/applicants/:id/documents", .permission(.documentsWrite), use: upload)
            .get("/api/v1/applicants/:id/documents", .permission(.documentsView), use: listDocuments)
            .get("/api/v1/documents/:id/pages/:page/preview", .permission(.documentsView)) { request, context in
                try await pageImage(request, context: context, thumbnail: false)
            }
            .get("/api/v1/documents/:id/pages/:page/thumbnail", .permission(.documentsView)) { request, context in
                try await pageImage(request, context: context, thumbnail: true)
            }
    }

    struct Created: Encodable {
        let id: Int64
    }

    @Sendable func createApplicant(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input: Applicant
        do {
            input = try await request.decode(as: Applicant.self, context: context)
        } catch {
            throw AppError.badRequest("JSON の形式が正しくありません。")
        }
        let clean: Applicant
        switch input.validated(today: services.clock.now()) {
        case .success(let value): clean = value
        case .failure(let invalid): throw AppError.invalidInput(invalid.problems.map { .init(field: $0.field, message: $0.message) })
        }
        let id: Int64
        do {
            id = try await services.database.transaction { connection in
                let id = try await services.applicants.create(clean, on: connection)
                try await services.auditLog.record(services.event(context, action: "applicant.create", recordType: "applicant",
                                                                  recordID: String(id)), on: connection)
                return id
            }
        } catch let error as ApplicantError {
            throw AppError.conflict(error.description)
        }
        var response = try Responses.json(Created(id: id), status: .created)
        response.headers[.location] = "/api/v1/applicants/\(id)"
        return response
    }

    @Sendable func showApplicant(_ request: Request, context: AppRequestContext) async throws -> Response {
        let applicant = try await requireApplicant(context)
        try await services.audit(context, action: "applicant.view", recordType: "applicant", recordID: String(applicant.id))
        return try Responses.json(applicant)
    }

    /// `POST /api/v1/applicants/{id}/documents?kind=…&filename=…&applicationId=…` with the file as
    /// the body, streamed into the blob store.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let applicant = try await requireApplicant(context)
        let query = request.uri.queryParameters
        let kind = query["kind"].map(String.init) ?? "application-form"
        guard DocumentStore.kinds.contains(kind) else {
            throw AppError.invalidInput([.init(field: "kind", message: "書類の種類は \(DocumentStore.kinds.joined(separator: ", ")) のいずれかです。")])
        }
        var applicationID: String?
        if let raw = query["applicationId"].map(String.init), !raw.isEmpty {
            guard let id = ApplicationID(raw) else { throw AppError.invalidInput([.init(field: "applicationId", message: ApplicationID.invalidMessage)]) }
            applicationID = id.digits
        }
        var intakeID: Int64?
        if let raw = query["intakeId"].map(String.init), !raw.isEmpty {
            // The intake must be this applicant's: a document cannot be filed under someone else's application.
            guard let id = Int64(raw), let intake = try await services.intakes.find(id: id), intake.applicantID == applicant.id else {
                throw AppError.invalidInput([.init(field: "intakeId", message: "指定された申請受付はこの申請者のものではありません。")])
            }
            intakeID = id
            applicationID = applicationID ?? intake.draft.applicationID
        }
        let filename = query["filename"].map(String.init) ?? ""
        if IndividualNumber.appears(in: filename) {
            throw AppError.invalidInput([.init(field: "filename", message: IndividualNumber.refusalMessage)])
        }
        if let length = request.headers[.contentLength].flatMap(Int64.init), length > services.configuration.maxUploadBytes {
            throw AppError.payloadTooLarge
        }
        do {
            let outcome = try await services.ingest.ingest(
                request.body.map { [UInt8](buffer: $0) }, applicantID: applicant.id, applicationID: applicationID, intakeID: intakeID, kind: kind,
                filename: filename, audit: services.event(context, action: "document.create", recordType: "document"))
            var response = try Responses.json(outcome, status: .created)
            response.headers[.location] = "/api/v1/documents/\(outcome.id)"
            return response
        } catch DocumentIngest.Failure.tooLarge {
            throw AppError.payloadTooLarge
        } catch DocumentIngest.Failure.concurrentUpload {
            throw AppError.conflict("同じファイルが同時に登録されました。もう一度お試しください。")
        } catch DocumentIngest.Failure.invalidImage(let error) {
            throw AppError.invalidInput([.init(field: "file", message: error.description)])
        }
    }

    struct DocumentDTO: Encodable {
        let id: Int64
        let kind: String
        let sha256: String
        let format: String
        let pageCount: Int
        let applicationId: String?
        let filename: String
        let uploadedAt: Date
        let pages: [String]
    }

    @Sendable func listDocuments(_ request: Request, context: AppRequestContext) async throws -> Response {
        let applicant = try await requireApplicant(context)
        let documents = try await services.documents.documents(applicantID: applicant.id)
        try await services.audit(context, action: "document.list", recordType: "applicant", recordID: String(applicant.id),
                                 detail: "\(documents.count)件")
        return try Responses.json(documents.map { d in
            DocumentDTO(id: d.id, kind: d.kind, sha256: d.sha256, format: d.format, pageCount: d.pageCount, applicationId: d.applicationID,
                        filename: d.originalFilename, uploadedAt: d.uploadedAt,
                        pages: (1...max(1, d.pageCount)).map { "/api/v1/documents/\(d.id)/pages/\($0)/preview" })
        })
    }

    /// A page's PNG. `Cache-Control: private` keeps it out of shared caches; the content hash is
    /// the ETag, so a browser revalidates cheaply. Every view, revalidations included, is audited.
    func pageImage(_ request: Request, context: AppRequestContext, thumbnail: Bool) async throws -> Response {
        let id = try context.parameters.require("id", as: Int64.self)
        let number = try context.parameters.require("page", as: Int.self)
        guard let document = try await services.documents.find(id: id),
              let page = try await services.documents.pages(documentID: id).first(where: { $0.number == number }),
              let ref = BlobRef(hex: thumbnail ? page.thumbnailSHA256 : page.previewSHA256)
        else { throw AppError.notFound }
        // who viewed whose document: the applicant is named in the entry
        try await services.audit(context, action: thumbnail ? "document.thumbnail" : "document.view", recordType: "document",
                                 recordID: String(id), detail: "applicant=\(document.applicantID) page=\(number)")
        var headers = HTTPFields()
        headers[.eTag] = "\"\(ref.hex)\""
        headers[.cacheControl] = "private, max-age=600"
        if request.headers[.ifNoneMatch] == "\"\(ref.hex)\"" {
            return Response(status: .notModified, headers: headers)
        }
        let data = try await services.blobs.get(ref, verify: false)
        headers[.contentType] = "image/png"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func requireApplicant(_ context: AppRequestContext) async throws -> Applicant {
        guard let id = Int64(context.parameters.get("id") ?? ""), let applicant = try await services.applicants.find(id: id) else {
            throw AppError.notFound
        }
        return applicant
    }
}
