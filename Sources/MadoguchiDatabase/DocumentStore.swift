import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Rows of scanned documents and their pages. The bytes are in the blob store; these rows only
/// name them by SHA-256, and are written after the blobs are durable.
public struct DocumentStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }


    /// Records a blob the store now holds (idempotent).
    public func recordBlob(sha256: String, size: Int64, mediaType: String, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            INSERT INTO blob (sha256, size, media_type) VALUES (\(sha256), \(size), \(mediaType)) ON CONFLICT (sha256) DO NOTHING
            """, logger: logger)
    }

    public func insert(_ document: Document, pages: [DocumentPage], uploadedBy: Int64?, on connection: PostgresConnection) async throws -> Int64 {
        guard let id = try await connection.first("""
            INSERT INTO document (applicant_id, application_id, kind, blob_sha256, format, original_filename, page_count, uploaded_by,
                                  uploaded_at, redacted, intake_id)
            VALUES (\(document.applicantID), \(document.applicationID), \(document.kind), \(document.sha256), \(document.format),
                    \(document.originalFilename), \(document.pageCount), \(uploadedBy), \(document.uploadedAt), \(document.redacted), \(document.intakeID))
            RETURNING id
            """, as: (Int64).self, logger: logger) else { throw ApplicantError.notFound }
        for page in pages {
            try await connection.execute("""
                INSERT INTO document_page (document_id, page_number, width, height, preview_sha256, thumbnail_sha256)
                VALUES (\(id), \(page.number), \(page.width), \(page.height), \(page.previewSHA256), \(page.thumbnailSHA256))
                """, logger: logger)
        }
        return id
    }

    static let columns = """
        SELECT id, applicant_id, application_id, kind, blob_sha256, format, original_filename, page_count, uploaded_at, redacted, intake_id FROM document
        """

    static func document(_ row: PostgresRow) throws -> Document {
        let (id, applicant, applicationID, kind, sha, format, filename, pages, uploaded, redacted, intake) =
            try row.decode((Int64, Int64, String?, String, String, String, String, Int, Date, Bool, Int64?).self)
        return Document(id: id, applicantID: applicant, applicationID: applicationID, kind: kind, sha256: sha, format: format,
                        originalFilename: filename, pageCount: pages, uploadedAt: uploaded, redacted: redacted, intakeID: intake)
    }

    public func documents(applicantID: Int64) async throws -> [Document] {
        var result: [Document] = []
        var query = PostgresQuery(unsafeSQL: Self.columns + " WHERE applicant_id = $1 ORDER BY uploaded_at DESC, id DESC")
        query.binds.append(applicantID)
        for try await row in try await database.client.run(query, logger: logger) { result.append(try Self.document(row)) }
        return result
    }

    public func find(id: Int64) async throws -> Document? {
        var query = PostgresQuery(unsafeSQL: Self.columns + " WHERE id = $1")
        query.binds.append(id)
        for try await row in try await database.client.run(query, logger: logger) { return try Self.document(row) }
        return nil
    }

    public func pages(documentID: Int64) async throws -> [DocumentPage] {
        try await database.client.all("""
            SELECT page_number, width, height, preview_sha256, thumbnail_sha256 FROM document_page
            WHERE document_id = \(documentID) ORDER BY page_number
            """, as: (Int, Int, Int, String, String).self, logger: logger)
            .map { DocumentPage(number: $0.0, width: $0.1, height: $0.2, previewSHA256: $0.3, thumbnailSHA256: $0.4) }
    }

    /// Whether any row refers to `sha256` (a blob nobody refers to may be collected).
    public func isReferenced(sha256: String, on db: any SQLExecutor) async throws -> Bool {
        try await db.first("""
            SELECT EXISTS (SELECT 1 FROM document WHERE blob_sha256 = \(sha256))
                OR EXISTS (SELECT 1 FROM document_page WHERE preview_sha256 = \(sha256) OR thumbnail_sha256 = \(sha256))
            """, as: (Bool).self, logger: logger) ?? false
    }

    public func redactions(kind: String? = nil) async throws -> [RedactionRegion] {
        try await database.client.all("""
            SELECT id, kind, label, page, x, y, width, height FROM redaction_region
            WHERE \(kind)::text IS NULL OR kind = \(kind) ORDER BY kind, page, id
            """, as: (Int64, String, String, Int, Double, Double, Double, Double).self, logger: logger)
            .map { (r: (Int64, String, String, Int, Double, Double, Double, Double)) -> RedactionRegion in
                RedactionRegion(id: r.0, kind: r.1, label: r.2, page: r.3, x: r.4, y: r.5, width: r.6, height: r.7)
            }
    }

    public func addRedaction(kind: String, label: String, page: Int, x: Double, y: Double, width: Double, height: Double,
                             createdBy: Int64?, on connection: PostgresConnection) async throws -> Int64 {
        try await connection.first("""
            INSERT INTO redaction_region (kind, label, page, x, y, width, height, created_by)
            VALUES (\(kind), \(label), \(page), \(x), \(y), \(width), \(height), \(createdBy)) RETURNING id
            """, as: (Int64).self, logger: logger) ?? 0
    }

    public func removeRedaction(id: Int64, on connection: PostgresConnection) async throws -> Bool {
        try await connection.first("DELETE FROM redaction_region WHERE id = \(id) RETURNING id", as: (Int64).self, logger: logger) != nil
    }

    /// Whether the database has a row for the blob (referenced or about to be).
    public func isKnownBlob(sha256: String) async throws -> Bool {
        try await database.client.first("SELECT EXISTS (SELECT 1 FROM blob WHERE sha256 = \(sha256))",
                                        as: (Bool).self, logger: logger) ?? false
    }

    /// Every blob the database knows, in hash order, a page at a time (for `madoguchi verify`).
    public func blobs(after: String, limit: Int) async throws -> [(sha256: String, size: Int64)] {
        try await database.client.all("""
            SELECT sha256, size FROM blob WHERE sha256 > \(after) ORDER BY sha256 LIMIT \(Int64(limit))
            """, as: (String, Int64).self, logger: logger).map { ($0.0, $0.1) }
    }
}
