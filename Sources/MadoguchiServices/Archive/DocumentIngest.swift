import Foundation
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging
import NIOPosix

/// The document pipeline (paperless-ngx's order): receive the bytes into the blob store while
/// hashing (durable before anything refers to them), check the file by decoding it, render page
/// previews and thumbnails as blobs, then commit the rows and the audit entry in one transaction.
/// A file that fails the check is removed again unless something already refers to it, so a bad
/// upload changes nothing.
public struct DocumentIngest: Sendable {
    let blobs: any BlobStore
    let documents: DocumentStore
    let database: Database
    let audit: AuditTrail
    let clock: any TimeSource
    let limits: ImagingLimits
    let maxBytes: Int64
    let decoding: DecodePool
    let renderer = PreviewRenderer()

    public struct Outcome: Sendable, Encodable {
        public let id: Int64
        public let sha256: String
        public let pageCount: Int
        public let format: String
        /// True when the same bytes were already stored (linked again, stored once).
        public let duplicate: Bool
        /// True when configured regions were masked and only the masked file was stored.
        public let redacted: Bool
    }

    public enum Failure: Error, Sendable {
        case tooLarge(limit: Int64)
        case invalidImage(ImagingError)
        case concurrentUpload
    }

    public func ingest<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks, applicantID: Int64, applicationID: String?, intakeID: Int64? = nil, kind: String, filename: String,
        caller: Caller
    ) async throws -> Outcome where Chunks.Element == [UInt8] {
        // 1. receive: hashed while streaming, refused whole past the limit
        let info: BlobInfo
        do {
            info = try await blobs.put(chunks, expected: nil, limit: maxBytes)
        } catch BlobStoreError.tooLarge(let limit) {
            throw Failure.tooLarge(limit: limit)
        }

        // 2. check, mask and render in a decoding slot (#13): page by page, within the file's pixel
        //    and processor-time budgets, off the request threads
        let data: Data
        do {
            data = try await blobs.get(info.ref, verify: false)
        } catch BlobStoreError.notFound {
            // The same file of a masked kind was being stored by another request, which has
            // just removed the unmasked upload. Nothing of ours was stored; a retry links it.
            throw Failure.concurrentUpload
        }
        // Masking follows the form, not only the kind chosen at upload (#13): a page that carries
        // an application ID's QR code is an application form whatever it was called, and gets the
        // form's mask unless the uploader may store it unmasked.
        let ownRegions = try await documents.redactions(kind: kind)
        let formRegions = kind == DocumentKind.applicationForm.rawValue || caller.has(.documentsUnmasked)
            ? [] : try await documents.redactions(kind: DocumentKind.applicationForm.rawValue)
        let (image, pages, masked, maskedAsForm): (ScannedImage, [PreviewRenderer.Rendering], Data?, Bool)
        do {
            (image, pages, masked, maskedAsForm) = try await decoding.run { [limits, renderer] in
                let budget = CPUBudget(seconds: limits.cpuSecondsPerFile)
                var image = try ScannedImage(data: data, limits: limits)
                var regions = ownRegions
                var asForm = false
                if !formRegions.isEmpty, try ApplicationFormDetector.looksLikeApplicationForm(image) {
                    regions += formRegions
                    asForm = true
                }
                var masked: Data?
                if !regions.isEmpty {
                    masked = try Redactor().redact(image, regions: regions, budget: budget)
                    image = try ScannedImage(data: masked!, limits: limits)
                }
                return (image, try renderer.renderAll(image, budget: budget), masked, asForm)
            }
        } catch let error as ImagingError {
            try await removeIfUnreferenced(info.ref)
            throw Failure.invalidImage(error)
        } catch let busy as ServiceBusy {
            try await removeIfUnreferenced(info.ref)
            throw busy
        }
        // A masked document is stored as the masked file only; the upload, which shows the
        // individual number, is removed (unless an earlier unmasked document shares it).
        var stored = info
        if let masked {
            stored = try await blobs.put(masked)
            try await removeIfUnreferenced(info.ref)
        }
        let alreadyStored = try await documents.isReferenced(sha256: stored.ref.hex, on: database.client)

        // 3. previews and thumbnails are blobs too (identical pages share them)
        var pageRows: [DocumentPage] = []
        var derived: [BlobInfo] = []
        for (index, page) in pages.enumerated() {
            let preview = try await blobs.put(page.preview)
            let thumbnail = try await blobs.put(page.thumbnail)
            derived += [preview, thumbnail]
            pageRows.append(.init(number: index + 1, width: page.width, height: page.height,
                                  previewSHA256: preview.ref.hex, thumbnailSHA256: thumbnail.ref.hex))
        }

        // 4. rows and audit entry together
        let document = Document(
            id: 0, applicantID: applicantID, applicationID: applicationID, kind: kind, sha256: stored.ref.hex,
            format: image.format.rawValue, originalFilename: IndividualNumber.appears(in: filename) ? "（個人番号を含む名前のため省略）" : String(filename.prefix(255)), pageCount: image.pageCount,
            uploadedAt: clock.now(), redacted: masked != nil, intakeID: intakeID)
        let id = try await database.transaction { connection in
            try await documents.recordBlob(sha256: stored.ref.hex, size: stored.size, mediaType: image.format.mediaType, on: connection)
            for blob in derived {
                try await documents.recordBlob(sha256: blob.ref.hex, size: blob.size, mediaType: "image/png", on: connection)
            }
            let id = try await documents.insert(document, pages: pageRows, uploadedBy: caller.userID, on: connection)
            try await audit.record(caller, "document.create", recordType: "document", recordID: String(id),
                                   detail: "applicant=\(applicantID) kind=\(kind) sha256=\(stored.ref.hex.prefix(16)) pages=\(image.pageCount)"
                                       + (alreadyStored ? " duplicate" : "") + (masked != nil ? " redacted" : "")
                                       + (maskedAsForm ? " masked-as-application-form" : ""), on: connection)
            return id
        }
        return Outcome(id: id, sha256: stored.ref.hex, pageCount: image.pageCount, format: image.format.rawValue,
                       duplicate: alreadyStored, redacted: masked != nil)
    }

    func removeIfUnreferenced(_ ref: BlobRef) async throws {
        if try await !documents.isReferenced(sha256: ref.hex, on: database.client) {
            _ = try? await blobs.remove(ref)
        }
    }
}
