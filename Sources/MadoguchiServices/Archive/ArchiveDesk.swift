import Foundation
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging

/// Applicants and their scanned documents (B4-B6): register and find applicants, store uploads
/// once by content (masked where the kind's layout carries the individual number), serve page
/// images, configure the masked areas, and check the whole archive (`verify`, `gc`). Every read
/// of personal data is audited.
public struct ArchiveDesk: Sendable {
    let applicants: ApplicantStore
    let documents: DocumentStore
    let intakes: IntakeStore
    let bookings: BookingStore
    let ledger: LedgerStore
    let blobs: any BlobStore
    let ingest: DocumentIngest
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource
    let configuration: ServiceConfiguration

    // MARK: applicants

    /// Registers an applicant (validated here); an application ID someone else has is a conflict.
    public func register(_ raw: Applicant, caller: Caller) async throws -> Int64 {
        let clean: Applicant
        switch raw.validated(today: clock.now()) {
        case .failure(let invalid): throw invalid
        case .success(let value): clean = value
        }
        return try await database.transaction { connection in
            let id = try await applicants.create(clean, on: connection)
            try await audit.record(caller, "applicant.create", recordType: "applicant", recordID: String(id), on: connection)
            return id
        }
    }

    public func applicant(id: Int64) async throws -> Applicant? { try await applicants.find(id: id) }

    /// Everything the applicant's page shows about the person (B5): their documents (with
    /// `documents.view`), intake records, bookings and cards in the ledger.
    public struct ApplicantFile: Sendable {
        public let documents: [Document]
        public let intakes: [Intake]
        public let bookings: [Booking]
        public let cards: [LedgerEntry]
    }

    /// Opens an applicant's record (audited).
    public func open(_ applicant: Applicant, caller: Caller) async throws -> ApplicantFile {
        let documents = caller.has(.documentsView) ? try await self.documents.documents(applicantID: applicant.id) : []
        try await audit.record(caller, "applicant.view", recordType: "applicant", recordID: String(applicant.id),
                               detail: caller.has(.documentsView) ? "documents=\(documents.count)" : "")
        let kanaKey = (applicant.familyKana + applicant.givenKana).replacingOccurrences(of: "\u{3000}", with: "")
        var found: [Int64: Booking] = [:]
        if caller.has(.bookingView) {
            for id in applicant.applicationIDs.isEmpty ? [""] : applicant.applicationIDs {
                for booking in try await bookings.forPerson(applicationID: id, kanaKey: kanaKey, birthDate: CalendarDate(applicant.birthDate)) {
                    found[booking.id] = booking
                }
            }
        }
        var cards: [LedgerEntry] = []
        if caller.has(.ledgerView) {
            for id in applicant.applicationIDs { if let card = try await ledger.find(applicationID: id) { cards.append(card) } }
        }
        return ApplicantFile(documents: documents, intakes: try await intakes.forApplicant(applicant.id),
                             bookings: found.values.sorted { $0.startsAt > $1.startsAt }, cards: cards)
    }

    /// The applicant's JSON for the scanning station API (audited as a view).
    public func show(_ applicant: Applicant, caller: Caller) async throws {
        try await audit.record(caller, "applicant.view", recordType: "applicant", recordID: String(applicant.id))
    }

    /// Search by kana prefix, name prefix, date of birth or application ID (combined with AND).
    public func search(kana: String?, name: String?, birthDate: CalendarDate?, applicationID: String?, caller: Caller) async throws -> [Applicant] {
        let results = try await applicants.search(kana: kana, name: name, birthDate: birthDate?.description, applicationID: applicationID)
        try await audit.record(caller, "applicant.search", recordType: "applicant", detail: "\(results.count)件")
        return results
    }

    // MARK: documents

    /// Stores an upload for `applicant`: the kind must be known, an intake must be the
    /// applicant's own, the file name must not carry an individual number; the bytes stream into
    /// the blob store and are checked by decoding before any row is written.
    public func upload<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks, for applicant: Applicant, kind: String, applicationID rawApplicationID: String?, intakeID: Int64?,
        filename: String, caller: Caller
    ) async throws -> DocumentIngest.Outcome where Chunks.Element == [UInt8] {
        guard DocumentKind(rawValue: kind) != nil else { throw InvalidInput([FieldProblem(field: "kind", message: DocumentKind.invalidMessage)]) }
        var applicationID: String?
        if let raw = rawApplicationID, !raw.isEmpty {
            guard let id = ApplicationID(raw) else { throw InvalidInput([FieldProblem(field: "applicationId", message: ApplicationID.invalidMessage)]) }
            applicationID = id.digits
        }
        if let intakeID {
            // The intake must be this applicant's: a document cannot be filed under someone else's application.
            guard let intake = try await intakes.find(id: intakeID), intake.applicantID == applicant.id else {
                throw InvalidInput([FieldProblem(field: "intakeId", message: "指定された申請受付はこの申請者のものではありません。")])
            }
            applicationID = applicationID ?? intake.draft.applicationID
        }
        if IndividualNumber.appears(in: filename) { throw InvalidInput([FieldProblem(field: "filename", message: IndividualNumber.refusalMessage)]) }
        return try await ingest.ingest(chunks, applicantID: applicant.id, applicationID: applicationID, intakeID: intakeID, kind: kind,
                                       filename: filename, caller: caller)
    }

    /// An applicant's documents for the API's list (audited).
    public func list(for applicant: Applicant, caller: Caller) async throws -> [Document] {
        let list = try await documents.documents(applicantID: applicant.id)
        try await audit.record(caller, "document.list", recordType: "applicant", recordID: String(applicant.id), detail: "\(list.count)件")
        return list
    }

    public func documents(of applicant: Applicant) async throws -> [Document] { try await documents.documents(applicantID: applicant.id) }

    /// A document opened in the viewer, with its applicant and pages (audited).
    public func openDocument(id: Int64, caller: Caller) async throws -> (Document, Applicant, [DocumentPage])? {
        guard let document = try await documents.find(id: id), let applicant = try await applicants.find(id: document.applicantID) else { return nil }
        let pages = try await documents.pages(documentID: id)
        try await audit.record(caller, "document.open", recordType: "document", recordID: String(id), detail: "applicant=\(applicant.id)")
        return (document, applicant, pages)
    }

    /// A page's preview or thumbnail reference; every view, revalidations included, is audited.
    public func pageImage(documentID: Int64, page number: Int, thumbnail: Bool, caller: Caller) async throws -> BlobRef? {
        guard let document = try await documents.find(id: documentID),
              let page = try await documents.pages(documentID: documentID).first(where: { $0.number == number }),
              let ref = BlobRef(hex: thumbnail ? page.thumbnailSHA256 : page.previewSHA256) else { return nil }
        // who viewed whose document: the applicant is named in the entry
        try await audit.record(caller, thumbnail ? "document.thumbnail" : "document.view", recordType: "document", recordID: String(documentID),
                               detail: "applicant=\(document.applicantID) page=\(number)")
        return ref
    }

    /// The bytes of a page image named by `pageImage`.
    /// Re-hashed on every read: the name is the proof, and an S3-compatible server may have
    /// stored a damaged body (SeaweedFS does not check x-amz-content-sha256).
    public func image(_ ref: BlobRef) async throws -> Data { try await blobs.get(ref, verify: true) }

    // MARK: masking (privacy rule)

    public func redactions() async throws -> [RedactionRegion] { try await documents.redactions() }

    public func addRedaction(_ region: RedactionRegion, caller: Caller) async throws {
        guard DocumentKind(rawValue: region.kind) != nil else { throw InvalidInput([FieldProblem(field: "kind", message: DocumentKind.invalidMessage)]) }
        guard region.isValid else {
            throw InvalidInput([FieldProblem(field: "region", message: "範囲はページの内側に収めてください（左・上は0〜100%、幅・高さは0より大きく、はみ出さないこと）。ページは0（全ページ）以上。")])
        }
        if region.label.count > 100 || IndividualNumber.appears(in: region.label) {
            throw InvalidInput([FieldProblem(field: "label", message: "名称は100文字以内で、個人番号を含めないでください。")])
        }
        try await database.transaction { connection in
            let id = try await documents.addRedaction(kind: region.kind, label: region.label, page: region.page, x: region.x, y: region.y,
                                                      width: region.width, height: region.height, createdBy: caller.userID, on: connection)
            try await audit.record(caller, "redaction.create", recordType: "redaction_region", recordID: String(id),
                                   detail: "kind=\(region.kind) page=\(region.page)", on: connection)
        }
    }

    /// Returns false when there was no such region.
    public func removeRedaction(id: Int64, caller: Caller) async throws -> Bool {
        try await database.transaction { connection in
            let removed = try await documents.removeRedaction(id: id, on: connection)
            if removed { try await audit.record(caller, "redaction.delete", recordType: "redaction_region", recordID: String(id), on: connection) }
            return removed
        }
    }

    // MARK: integrity (verify, gc)

    /// Re-hashes every blob the database names and lists orphans; the run is recorded for the
    /// status page. `progress` gets the count every 500 blobs.
    public func verify(rehash: Bool, trigger: String, progress: (@Sendable (Int) -> Void)? = nil) async throws -> ArchiveVerifier.Report {
        let runs = JobRunStore(database: database)
        let run = try await runs.start(kind: "verify", trigger: trigger)
        let report = try await ArchiveVerifier(blobs: blobs, documents: documents).verify(rehash: rehash, progress: progress)
        if let run {
            try await runs.finish(run, ok: report.isHealthy, detail: "checked=\(report.checked) corrupt=\(report.corrupt.count) "
                                  + "missing=\(report.missing.count) orphans=\(report.orphans.count)\(rehash ? "" : " quick")")
        }
        return report
    }

    /// Orphan blobs older than `grace` (an upload in progress has its blob before its row), and
    /// with `delete` removes them and the leftovers of interrupted uploads. Returns what went.
    public func collectGarbage(grace: TimeInterval, delete: Bool) async throws -> [BlobInfo] {
        let report = try await ArchiveVerifier(blobs: blobs, documents: documents).verify(rehash: false)
        let cutoff = clock.now().addingTimeInterval(-grace)
        var removed: [BlobInfo] = []
        for orphan in report.orphans {
            var modified = orphan.modifiedAt
            if modified == nil { modified = try await blobs.stat(orphan.ref)?.modifiedAt }
            guard (modified ?? clock.now()) < cutoff else { continue }
            // Checked again just before deleting: a row may have arrived since the walk.
            if try await documents.isKnownBlob(sha256: orphan.ref.hex) { continue }
            if delete { _ = try await blobs.remove(orphan.ref) }
            removed.append(orphan)
        }
        if delete { _ = try await blobs.removeIncompleteUploads(olderThan: cutoff) }
        return removed
    }
}
