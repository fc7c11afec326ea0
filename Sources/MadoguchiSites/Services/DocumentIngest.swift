import Foundation
import Logging
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
    let auditLog: AuditLog
    let clock: any TimeSource
    let limits: ImagingLimits
    let maxBytes: Int64
    let renderer = PreviewRenderer()

    public struct Outcome: Sendable, Encodable {
        public let id: Int64
        public let sha256: String
        public let pageCount: Int
        public let format: String
        /// True when the same bytes were already stored (linked again, stored once).
        public let duplicate: Bool
    }

    public enum Failure: Error, Sendable {
        case tooLarge(limit: Int64)
        case invalidImage(ImagingError)
    }

    public func ingest<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks, applicantID: Int64, applicationID: String?, kind: String, filename: String, audit: AuditEvent
    ) async throws -> Outcome where Chunks.Element == [UInt8] {
        // 1. receive: hashed while streaming, refused whole past the limit
        let info: BlobInfo
        let alreadyStored: Bool
        do {
            info = try await blobs.put(chunks, expected: nil, limit: maxBytes)
        } catch BlobStoreError.tooLarge(let limit) {
            throw Failure.tooLarge(limit: limit)
        }
        alreadyStored = try await documents.isReferenced(sha256: info.ref.hex, on: database.client)

        // 2. check and render off the cooperative threads: decoding a 300 dpi page takes tens of ms
        let data = try await blobs.get(info.ref, verify: false)
        let (image, pages): (ScannedImage, [PreviewRenderer.Rendering])
        do {
            (image, pages) = try await NIOThreadPool.singleton.runIfActive { [limits, renderer] in
                let image = try ScannedImage(data: data, limits: limits)
                return (image, try renderer.renderAll(image))
            }
        } catch let error as ImagingError {
            if !alreadyStored, try await !documents.isReferenced(sha256: info.ref.hex, on: database.client) {
                _ = try? await blobs.remove(info.ref)
            }
            throw Failure.invalidImage(error)
        }

        // 3. previews and thumbnails are blobs too (identical pages share them)
        var pageRows: [DocumentStore.Page] = []
        var derived: [BlobInfo] = []
        for (index, page) in pages.enumerated() {
            let preview = try await blobs.put(page.preview)
            let thumbnail = try await blobs.put(page.thumbnail)
            derived += [preview, thumbnail]
            pageRows.append(.init(number: index + 1, width: page.width, height: page.height,
                                  previewSHA256: preview.ref.hex, thumbnailSHA256: thumbnail.ref.hex))
        }

        // 4. rows and audit entry together
        let document = DocumentStore.Document(
            id: 0, applicantID: applicantID, applicationID: applicationID, kind: kind, sha256: info.ref.hex,
            format: image.format.rawValue, originalFilename: String(filename.prefix(255)), pageCount: image.pageCount,
            uploadedAt: clock.now())
        let id = try await database.transaction { connection in
            try await documents.recordBlob(sha256: info.ref.hex, size: info.size, mediaType: image.format.mediaType, on: connection)
            for blob in derived {
                try await documents.recordBlob(sha256: blob.ref.hex, size: blob.size, mediaType: "image/png", on: connection)
            }
            let id = try await documents.insert(document, pages: pageRows, uploadedBy: audit.actorUserID, on: connection)
            var event = audit
            event.recordID = String(id)
            event.detail = "applicant=\(applicantID) kind=\(kind) sha256=\(info.ref.hex.prefix(16)) pages=\(image.pageCount)"
                + (alreadyStored ? " duplicate" : "")
            try await auditLog.record(event, on: connection)
            return id
        }
        return Outcome(id: id, sha256: info.ref.hex, pageCount: image.pageCount, format: image.format.rawValue, duplicate: alreadyStored)
    }
}
