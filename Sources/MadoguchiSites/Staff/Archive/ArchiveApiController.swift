import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The scanning stations' API (B4-B6): register applicants, upload scans as raw bodies, list an
/// applicant's documents and fetch page images. Every read of personal data is audited.
struct ArchiveApiController {
    let archive: ArchiveDesk
    let maxUploadBytes: Int64

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
        let input = try await Responses.decode(Applicant.self, from: request)
        let id = try await archive.register(input, caller: context.caller)
        var response = try Responses.json(Created(id: id), status: .created)
        response.headers[.location] = "/api/v1/applicants/\(id)"
        return response
    }

    func requireApplicant(_ context: AppRequestContext) async throws -> Applicant {
        guard let id = Int64(context.parameters.get("id") ?? ""), let applicant = try await archive.applicant(id: id) else { throw AppError.notFound }
        return applicant
    }

    @Sendable func showApplicant(_ request: Request, context: AppRequestContext) async throws -> Response {
        let applicant = try await requireApplicant(context)
        try await archive.show(applicant, caller: context.caller)
        return try Responses.json(applicant)
    }

    /// `POST /api/v1/applicants/{id}/documents?kind=…&filename=…&applicationId=…&intakeId=…` with the
    /// file as the body, streamed into the blob store.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let applicant = try await requireApplicant(context)
        let query = request.uri.queryParameters
        var intakeID: Int64?
        if let raw = query["intakeId"].map(String.init), !raw.isEmpty {
            guard let id = Int64(raw) else { throw AppError.invalidInput([.init(field: "intakeId", message: "指定された申請受付はこの申請者のものではありません。")]) }
            intakeID = id
        }
        if let length = request.headers[.contentLength].flatMap(Int64.init), length > maxUploadBytes { throw AppError.payloadTooLarge }
        let outcome = try await archive.upload(request.body.map { [UInt8](buffer: $0) }, for: applicant, kind: query["kind"].map(String.init) ?? "application-form",
                                               applicationID: query["applicationId"].map(String.init), intakeID: intakeID,
                                               filename: query["filename"].map(String.init) ?? "", caller: context.caller)
        var response = try Responses.json(outcome, status: .created)
        response.headers[.location] = "/api/v1/documents/\(outcome.id)"
        return response
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
        let documents = try await archive.list(for: try await requireApplicant(context), caller: context.caller)
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
        guard let ref = try await archive.pageImage(documentID: id, page: number, thumbnail: thumbnail, caller: context.caller) else { throw AppError.notFound }
        var headers = HTTPFields()
        headers[.eTag] = "\"\(ref.hex)\""
        headers[.cacheControl] = "no-store"
        if request.headers[.ifNoneMatch] == "\"\(ref.hex)\"" { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = "image/png"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try await archive.image(ref))))
    }
}
