import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging
import PostgresNIO

/// The card ledger (C1-C9): work lists and the progress board, one card's page, stage moves
/// (one at a time, in bulk, or from the API: the same rule and note limit), storage places,
/// visit types, notes, card data from the counter reader or typed by hand, QR registration,
/// imports, and the printed forms. Every view is audited (personal data), every change is
/// audited in its transaction with the card's own history row.
public struct LedgerDesk: Sendable {
    let ledger: LedgerStore
    let storage: StorageStore
    let registry: RegistryStore
    let bookings: BookingStore
    let uploads: ImportUploadStore
    let audit: AuditTrail
    let cardReads: CardReadJobStore
    let database: Database
    let clock: any TimeSource
    let configuration: ServiceConfiguration
    public let qrFormat: QRPayloadFormat
    /// The decoding slots and limits scanned pages share with document uploads (#13).
    let decoding: DecodePool
    let limits: ImagingLimits
    /// "Your card is ready" is queued in the move to 交付通知済 (#16).
    let cardNotices: CardNotices

    // MARK: lists and the board

    public func find(id: Int64) async throws -> LedgerEntry? { try await ledger.find(id: id) }
    public func find(applicationID: String) async throws -> LedgerEntry? { try await ledger.find(applicationID: applicationID) }

    /// A page of the work list. The search text is audited only as "given" (it is a name or an ID).
    public func list(_ filter: LedgerFilter, caller: Caller) async throws -> [LedgerEntry] {
        let entries = try await ledger.search(filter)
        try await audit.record(caller, "ledger.search", recordType: "ledger",
                               detail: "q=\(filter.text.isEmpty ? "-" : "(入力あり)") stage=\(filter.stage?.rawValue ?? "-") visit=\(filter.visitType?.rawValue ?? "-") 件数=\(min(entries.count, 100))")
        return entries
    }

    /// The progress board (C6): counts per stage, visit type and batch, and the two overdue lists.
    public struct Board: Sendable {
        public let counts: [LedgerBoardCount]
        public let overdueDays: Int
        public let overdue: [LedgerEntry]
        public let uninspectedDays: Int
        public let uninspected: [LedgerEntry]
    }

    public func board(caller: Caller) async throws -> Board {
        let now = clock.now()
        let counts = try await ledger.board()
        let overdue = try await ledger.overdue(notifiedBefore: now.addingTimeInterval(-Double(configuration.ledgerOverdueDays) * 86400))
        let uninspected = try await ledger.uninspected(
            deliveredBefore: now.addingTimeInterval(-Double(configuration.ledgerUninspectedDays) * 86400))
        try await audit.record(caller, "ledger.board.view", recordType: "ledger", detail: "overdue=\(overdue.count)")
        return Board(counts: counts, overdueDays: configuration.ledgerOverdueDays, overdue: overdue,
                     uninspectedDays: configuration.ledgerUninspectedDays, uninspected: uninspected)
    }

    // MARK: one card

    /// Everything the card page shows beside the entry, as far as the caller may see it.
    public struct Card: Sendable {
        public let entry: LedgerEntry
        public let events: [LedgerEvent]
        /// Nil when the caller may not look up the registry.
        public let registry: RegistryMatch?
        public let places: [StorageSlot]
        /// Where an inspection would put the card, when it has no place yet.
        public let suggestedPlace: Int64?
        public let bookings: [Booking]
        /// Where the address read from the card differs from the ledger or the registry.
        public let differences: [String]
        /// The agreement to be mailed about this card, and the card mails queued for it (#16).
        public let contact: ContactConsent?
        public let mails: [MailDelivery]
    }

    public func open(_ entry: LedgerEntry, caller: Caller) async throws -> Card {
        try await audit.record(caller, "ledger.view", recordType: "ledger_entry", recordID: entry.applicationID)
        let kanaKey = entry.kana.replacingOccurrences(of: "\u{3000}", with: "")
        let match = caller.has(.registryView)
            ? try await registry.match(name: entry.name, kanaKey: kanaKey, birthDate: entry.birthDate, sex: entry.sex, address: entry.address)
            : nil
        var differences: [String] = []
        if !entry.cardAddress.isEmpty, !entry.address.isEmpty, !CardData.sameAddress(entry.cardAddress, entry.address) {
            differences.append("カードの住所（\(entry.cardAddress)）が管理簿の住所（\(entry.address)）と異なります。")
        }
        if let person = match?.person, !entry.cardAddress.isEmpty, !person.address.isEmpty, !CardData.sameAddress(entry.cardAddress, person.address) {
            differences.append("カードの住所が住基の住所（\(person.address)）と異なります。券面の追記が必要か確認してください。")
        }
        return Card(entry: entry, events: try await ledger.events(entryID: entry.id), registry: match, places: try await storage.slots(),
                    suggestedPlace: entry.storageSlotID == nil ? try await storage.suggestFree() : nil,
                    bookings: try await bookings.forPerson(applicationID: entry.applicationID, kanaKey: kanaKey, birthDate: entry.birthDate),
                    differences: differences,
                    contact: try await cardNotices.consents.active(applicationIDs: [entry.applicationID])[entry.applicationID],
                    mails: try await cardNotices.outbox.deliveries(ledgerEntryID: entry.id))
    }

    /// Moves one card to `stage` (C6). `place` (a slot id, or an `A-1-3` code from the API) is
    /// only taken at the inspection of a card that has no place; `via` marks the audit row
    /// (" api", " bulk"). The note is checked here, for every entry point.
    /// A handover (when `handoverCardCheck` is on) names the read of the card in hand: `cardRead`.
    public func move(_ entry: LedgerEntry, to stage: LedgerStage, note: String, place: StoragePlaceChoice? = nil, expectedVersion: Int? = nil,
                     via: String = "", cardRead: UUID? = nil, caller: Caller) async throws -> LedgerEntry {
        let note = try LedgerNote.note(note)
        let slotID = try await slotID(for: place, entry: entry, stage: stage)
        var via = via
        if stage == .handedOver, entry.stage.canMove(to: stage), configuration.handoverCardCheck {
            let job = try await confirmedHandover(entry, cardRead: cardRead)
            via += " card-read=\(job.id.uuidString.prefix(8)) reader=\(job.terminal)"
        }
        return try await change(entry, caller: caller, action: "ledger.stage") { connection in
            let moved = try await ledger.move(entryID: entry.id, to: stage, note: note, storageSlotID: slotID, expectedVersion: expectedVersion,
                                              staffUserID: caller.userID, now: clock.now(), on: connection)
            if stage == .notified, entry.stage != .notified { try await cardNotices.cardReady(moved, on: connection) }
            return (moved, "\(entry.stage.rawValue)→\(stage.rawValue)\(via.isEmpty ? (moved.storagePlace.map { " place=\($0)" } ?? "") : via)")
        }
    }

    /// A storage place as an entry point names it.
    public enum StoragePlaceChoice: Sendable {
        case slot(Int64)
        case code(String)
    }

    func slotID(for choice: StoragePlaceChoice?, entry: LedgerEntry, stage: LedgerStage) async throws -> Int64? {
        switch choice {
        case .none: return nil
        case .slot(let id): return id
        case .code(let code):
            // A place is only taken at inspection of a card that has none: anything else would be ignored.
            guard stage == .inspected, entry.storageSlotID == nil else {
                throw InvalidInput([FieldProblem(field: "storagePlace",
                                                 message: "保管場所は、保管場所のないカードを検品済にするときだけ指定できます（移動は画面の「保管場所を移す」で）。")])
            }
            guard let parsed = StoragePlaceCode(code), let slot = try await storage.slot(code: parsed) else {
                throw InvalidInput([FieldProblem(field: "storagePlace", message: LedgerError.placeNotFound(code).message)])
            }
            return slot.id
        }
    }

    /// Puts a held card in another storage place (C9).
    public func place(_ entry: LedgerEntry, in slotID: Int64, note: String, caller: Caller) async throws -> LedgerEntry {
        let note = try LedgerNote.note(note)
        return try await change(entry, caller: caller, action: "ledger.place") { connection in
            let moved = try await ledger.place(entryID: entry.id, in: slotID, note: note, staffUserID: caller.userID, now: clock.now(), on: connection)
            return (moved, "\(entry.storagePlace ?? "-")→\(moved.storagePlace ?? "-")")
        }
    }

    /// Staff set the visit type by hand (C4); later imports keep it.
    public func setVisitType(_ entry: LedgerEntry, _ type: VisitType, caller: Caller) async throws {
        _ = try await change(entry, caller: caller, action: "ledger.visit-type") { connection in
            try await ledger.setVisitType(entryID: entry.id, type, staffUserID: caller.userID, now: clock.now(), on: connection)
            return (entry, "\(entry.visitType.rawValue)→\(type.rawValue)")
        }
    }

    public func setNotes(_ entry: LedgerEntry, _ notes: String, caller: Caller) async throws {
        let notes = try LedgerNote.notes(notes)
        _ = try await change(entry, caller: caller, action: "ledger.notes") { connection in
            try await ledger.setNotes(entryID: entry.id, notes, staffUserID: caller.userID, now: clock.now(), on: connection)
            return (entry, "notes")
        }
    }

    /// Address and expiry dates read from the card (C7) by a counter reader (`source` reader)
    /// or typed from the card (`staff`). Returns the updated card and what differs from before.
    public func recordCardData(_ entry: LedgerEntry, _ data: CardData, source: String, caller: Caller) async throws
        -> (entry: LedgerEntry, differences: [String]) {
        let checked: CardData.Checked
        switch data.validated(today: CalendarDate(clock.now())) {
        case .failure(let invalid): throw invalid
        case .success(let value): checked = value
        }
        let detail = source == "reader" ? "source=reader \(data.reader ?? "")" : "source=staff"
        let updated = try await change(entry, caller: caller, action: "ledger.card-data") { connection in
            (try await ledger.recordCardData(entryID: entry.id, checked, source: source, staffUserID: caller.userID, now: clock.now(),
                                             on: connection), detail)
        }
        var differences: [String] = []
        if !entry.address.isEmpty, !CardData.sameAddress(entry.address, checked.address) {
            differences.append("address differs from the ledger (\(entry.address))")
        }
        if let old = entry.cardExpiry, old != checked.cardExpiry { differences.append("cardExpiry differs from the ledger (\(old))") }
        if let old = entry.certificateExpiry, old != checked.certificateExpiry { differences.append("certificateExpiry differs from the ledger (\(old))") }
        return (updated, differences)
    }

    /// One change of a card in a transaction with its audit row; `body` returns the card after
    /// the change and the audit detail.
    func change(_ entry: LedgerEntry, caller: Caller, action: String,
                _ body: (PostgresConnection) async throws -> (LedgerEntry, String)) async throws -> LedgerEntry {
        try await database.transaction { connection in
            let (after, detail) = try await body(connection)
            try await audit.record(caller, action, recordType: "ledger_entry", recordID: entry.applicationID, detail: detail, on: connection)
            return after
        }
    }
}
