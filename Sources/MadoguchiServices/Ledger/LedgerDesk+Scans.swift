import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging

/// QR registration (C2) and bulk stage moves by scanning (C6).
extension LedgerDesk {
    /// What one scan of a code did.
    public enum ScanResult: Sendable {
        case done(QRScanOutcome, today: Int)
        /// Not an issuance-list code.
        case invalid(today: Int)
    }

    /// One scan from a keyboard-wedge scanner: registers a new card or confirms an imported one;
    /// a repeat changes nothing.
    public func registerScan(_ code: String, caller: Caller) async throws -> ScanResult {
        guard let payload = qrFormat.parse(code) else { return .invalid(today: try await ledger.scansToday(now: clock.now())) }
        let outcome = try await database.transaction { connection in
            let outcome = try await ledger.registerScan(payload, staffUserID: caller.userID, now: clock.now(), on: connection)
            let kind = switch outcome { case .registered: "registered"; case .confirmed: "confirmed"; case .alreadyConfirmed: "already" }
            try await audit.record(caller, "ledger.qr", recordType: "ledger_entry", recordID: payload.applicationID.digits, detail: kind,
                                   on: connection)
            return outcome
        }
        return .done(outcome, today: try await ledger.scansToday(now: clock.now()))
    }

    public func scansToday() async throws -> Int { try await ledger.scansToday(now: clock.now()) }

    /// A code found on a scanned page, with what registering it would do.
    public struct PageCode: Sendable {
        public let text: String
        /// Nil when the code is not an issuance-list code.
        public let applicationID: String?
        public let status: String
    }

    /// Decodes every QR code on an uploaded page (PNG, JPEG, TIFF or PDF) for confirmation.
    public func decodePage(_ data: Data, fileName: String, caller: Caller) async throws -> [PageCode] {
        let limits = limits
        let texts = try await decoding.run { try QRPageReader.codes(in: data, limits: limits) }
        var codes: [PageCode] = []
        var seen = Set<String>()
        for text in texts {
            guard let payload = qrFormat.parse(text) else {
                codes.append(PageCode(text: ImportProblem.shown(text, limit: 40), applicationID: nil, status: "発行一覧表のQRコードではありません"))
                continue
            }
            let id = payload.applicationID.digits
            guard seen.insert(id).inserted else { continue }
            let existing = try await ledger.find(applicationID: id)
            let status = existing == nil ? "新規登録" : (existing?.qrConfirmedAt == nil ? "納品確認（\(existing?.name ?? "")）" : "読取済み（変更なし）")
            codes.append(PageCode(text: text, applicationID: id, status: status))
        }
        try await audit.record(caller, "ledger.qr-page.check", recordType: "ledger", recordID: fileName, detail: "codes=\(texts.count)")
        return codes
    }

    /// Registers the codes of a confirmed page in one transaction.
    public func registerPage(_ codes: [String], caller: Caller) async throws -> (registered: Int, confirmed: Int, already: Int) {
        // In application-ID order: entries are locked in one order, whoever else is registering.
        let payloads = codes.compactMap(qrFormat.parse).sorted { $0.applicationID.digits < $1.applicationID.digits }
        guard !payloads.isEmpty else { throw InvalidInput([FieldProblem(field: "codes", message: "登録するQRコードがありません。")]) }
        return try await database.transaction { connection in
            var counts = (registered: 0, confirmed: 0, already: 0)
            for payload in payloads {
                switch try await ledger.registerScan(payload, staffUserID: caller.userID, now: clock.now(), on: connection) {
                case .registered: counts.registered += 1
                case .confirmed: counts.confirmed += 1
                case .alreadyConfirmed: counts.already += 1
                }
            }
            try await audit.record(caller, "ledger.qr-page", recordType: "ledger",
                                   detail: "registered=\(counts.registered) confirmed=\(counts.confirmed) already=\(counts.already)", on: connection)
            return counts
        }
    }

    /// One card of a bulk move and what became of it.
    public struct BulkResult: Sendable {
        public let applicationID: String
        public let name: String
        public let result: String
        public let moved: Bool
    }

    /// Moves every scanned card (one code or application ID a line) to `stage`. Each card moves in
    /// its own transaction, so one that may not move does not hold back the rest.
    public func moveAll(_ lines: String, to stage: LedgerStage, note: String, caller: Caller) async throws -> [BulkResult] {
        let note = try LedgerNote.note(note)
        var ids: [String] = []
        var unreadable: [String] = []
        for line in lines.split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if let id = qrFormat.parse(String(line))?.applicationID ?? ApplicationID(String(line)) {
                if !ids.contains(id.digits) { ids.append(id.digits) }
            } else {
                unreadable.append(ImportProblem.shown(String(line), limit: 40))
            }
        }
        var results: [BulkResult] = []
        for id in ids {
            guard let entry = try await ledger.find(applicationID: id) else {
                results.append(BulkResult(applicationID: id, name: "", result: LedgerError.notFound.message, moved: false))
                continue
            }
            do {
                let after = try await move(entry, to: stage, note: note.isEmpty ? "一括更新" : note, via: " bulk", caller: caller)
                let result = "\(entry.stage.label) → \(after.stage.label)\(after.storagePlace.map { "（保管場所 \($0)）" } ?? "")"
                results.append(BulkResult(applicationID: id, name: entry.name, result: result, moved: true))
            } catch let error as LedgerError {
                results.append(BulkResult(applicationID: id, name: entry.name, result: error.message, moved: false))
            }
        }
        for code in unreadable { results.append(BulkResult(applicationID: code, name: "", result: "申請書IDとして読めません", moved: false)) }
        return results
    }
}
