import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// The card ledger (カード管理簿, C1-C9): entries, their stages and places, and the writes that
/// build it. Every change happens in the caller's transaction with its event row, so a stage, its
/// history and the storage-slot count can never disagree.
public struct LedgerStore: Sendable {
    public let database: Database
    /// The storage places a card takes and frees in the same transaction as its stage move.
    let storage: StorageStore
    var logger: Logger { database.logger }

    public init(database: Database, storage: StorageStore) {
        self.database = database
        self.storage = storage
    }

    // MARK: reading

    func entries(_ condition: String, _ binds: [any PostgresEncodable & Sendable], order: String = "e.id",
                 limit: Int = 500, offset: Int = 0, on executor: any SQLExecutor) async throws -> [LedgerEntry] {
        var query = PostgresQuery(unsafeSQL: LedgerEntry.select + " WHERE " + condition + " ORDER BY " + order + " LIMIT \(limit) OFFSET \(offset)")
        for bind in binds { try query.binds.append(bind) }
        return try await executor.all(query, as: LedgerEntry.Row.self, logger: logger).map(LedgerEntry.decode)
    }

    public func find(id: Int64, on executor: (any SQLExecutor)? = nil) async throws -> LedgerEntry? {
        try await entries("e.id = $1", [id], on: executor ?? database.client).first
    }

    public func find(applicationID: String, on executor: (any SQLExecutor)? = nil) async throws -> LedgerEntry? {
        try await entries("e.application_id = $1", [applicationID], on: executor ?? database.client).first
    }

    /// The history of one entry, oldest first.
    public func events(entryID: Int64) async throws -> [LedgerEvent] {
        try await database.client.all("""
            SELECT ev.id, ev.kind, ev.from_stage, ev.to_stage, p.code, ev.note, u.login, ev.at
            FROM ledger_event ev
            LEFT JOIN storage_place p ON p.id = ev.storage_slot_id
            LEFT JOIN staff_user u ON u.id = ev.staff_user_id
            WHERE ev.entry_id = \(entryID) ORDER BY ev.id
            """, as: (Int64, String, String?, String?, String?, String, String?, Date).self, logger: logger).map {
            LedgerEvent(id: $0.0, kind: $0.1, fromStage: $0.2.flatMap(LedgerStage.init(rawValue:)), toStage: $0.3.flatMap(LedgerStage.init(rawValue:)),
                        storagePlace: $0.4, note: $0.5, staffLogin: $0.6, at: $0.7)
        }
    }

    public func search(_ filter: LedgerFilter) async throws -> [LedgerEntry] {
        var conditions = ["true"]
        var binds: [any PostgresEncodable & Sendable] = []
        func bind(_ value: any PostgresEncodable & Sendable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        let text = FileValue.key(filter.text)
        if !text.isEmpty {
            if let id = ApplicationID(text) {
                conditions.append("e.application_id = \(bind(id.digits))")
            } else if text.allSatisfy(\.isNumber) {
                conditions.append("e.application_id LIKE \(bind(SQLText.likeEscaped(text) + "%"))")
            } else if let kana = Kana.searchKey(text), !kana.isEmpty {
                conditions.append("e.kana_key LIKE \(bind(SQLText.likeEscaped(kana) + "%"))")
            } else {
                conditions.append("replace(replace(e.name, ' ', ''), '　', '') LIKE \(bind("%" + SQLText.likeEscaped(text.replacingOccurrences(of: " ", with: "")) + "%"))")
            }
        }
        if let stage = filter.stage { conditions.append("e.stage = \(bind(stage.rawValue))") }
        if let visitType = filter.visitType { conditions.append("e.visit_type = \(bind(visitType.rawValue))") }
        if let batch = filter.batch, !batch.isEmpty { conditions.append("e.delivery_batch = \(bind(batch))") }
        if let slot = filter.storageSlotID { conditions.append("e.storage_slot_id = \(bind(slot))") }
        if let birth = filter.birthDate { conditions.append("e.birth_date = \(bind(birth.description))::date") }
        if filter.unconfirmedOnly { conditions.append("e.qr_confirmed_at IS NULL AND e.stage = 'delivered'") }
        if let after = filter.afterID {
            conditions.append("e.id > \(bind(after))")
            return try await entries(conditions.joined(separator: " AND "), binds, order: "e.id", limit: filter.limit, on: database.client)
        }
        return try await entries(conditions.joined(separator: " AND "), binds, order: "e.delivered_on DESC NULLS LAST, e.id",
                                 limit: filter.limit, offset: filter.offset, on: database.client)
    }

    /// Cards notified before `cutoff` and still not collected (C6: the overdue list).
    public func overdue(notifiedBefore cutoff: Date, limit: Int = 500) async throws -> [LedgerEntry] {
        try await entries("e.stage = 'notified' AND coalesce(e.notified_at, e.stage_changed_at) < $1", [cutoff],
                          order: "coalesce(e.notified_at, e.stage_changed_at), e.id", limit: limit, on: database.client)
    }

    /// Cards delivered before `cutoff` and not yet inspected: the other list a supervisor watches.
    public func uninspected(deliveredBefore cutoff: Date, limit: Int = 500) async throws -> [LedgerEntry] {
        try await entries("e.stage = 'delivered' AND e.stage_changed_at < $1", [cutoff], order: "e.stage_changed_at, e.id",
                          limit: limit, on: database.client)
    }

    public func board() async throws -> [LedgerBoardCount] {
        try await database.client.all("""
            SELECT delivery_batch, visit_type, stage, count(*)::bigint FROM ledger_entry
            GROUP BY delivery_batch, visit_type, stage ORDER BY delivery_batch DESC, visit_type, stage
            """, as: (String, String, String, Int64).self, logger: logger).map {
            LedgerBoardCount(batch: $0.0, visitType: VisitType(rawValue: $0.1) ?? .atPickup, stage: LedgerStage(rawValue: $0.2) ?? .delivered, count: Int($0.3))
        }
    }

    /// The cards to hand over on `day`: those with a pickup booking that day (checked in or
    /// not), matched by application ID or by kana and date of birth, in appointment order.
    public func handovers(on day: CalendarDate, locationID: Int64?) async throws -> [LedgerEntry] {
        try await entries("""
            e.id IN (SELECT e2.id FROM booking b JOIN slot s ON s.id = b.slot_id JOIN ledger_entry e2
                       ON e2.application_id = b.application_id OR (b.application_id IS NULL AND e2.kana_key = b.kana_key AND e2.birth_date = b.birth_date)
                     WHERE s.day = $1::date AND s.purpose = 'pickup' AND b.status IN ('booked', 'checked_in')
                       AND ($2::bigint = 0 OR s.location_id = $2))
            """, [day.description, locationID ?? 0], order: """
            (SELECT min(s.starts_at) FROM booking b JOIN slot s ON s.id = b.slot_id
             WHERE s.day = $1::date AND (b.application_id = e.application_id OR (b.kana_key = e.kana_key AND b.birth_date = e.birth_date))), e.id
            """, limit: 2000, on: database.client)
    }

    // MARK: stages

    /// Moves one card to `stage` (C6). Inspection gives the card a storage place (the one asked
    /// for, else a suggested free one) unless it has one; handover, return and disposal free it.
    public func move(entryID: Int64, to stage: LedgerStage, note: String = "", storageSlotID: Int64? = nil, expectedVersion: Int? = nil,
                     staffUserID: Int64?, now: Date, on connection: PostgresConnection) async throws -> LedgerEntry {
        guard let entry = try await locked(entryID, on: connection) else { throw LedgerError.notFound }
        if let expectedVersion, expectedVersion != entry.version { throw LedgerError.staleVersion }
        guard entry.allowedMoves.contains(stage) else { throw LedgerError.notAllowed(from: entry.stage, to: stage) }
        var slot = entry.storageSlotID
        if !stage.isHeld, let current = slot {
            try await storage.release(current, on: connection)
            slot = nil
        } else if stage == .inspected, slot == nil {
            let chosen: Int64
            if let storageSlotID {
                chosen = storageSlotID
            } else if let free = try await storage.suggestFree(on: connection) {
                chosen = free
            } else {
                throw LedgerError.noFreePlace
            }
            try await storage.take(chosen, on: connection)
            slot = chosen
        }
        let heldFrom: String? = stage == .onHold ? entry.stage.rawValue : nil
        try await connection.execute("""
            UPDATE ledger_entry SET stage = \(stage.rawValue), held_from = \(heldFrom), stage_changed_at = \(now),
                   notified_at = CASE WHEN \(stage.rawValue) = 'notified' THEN \(now) ELSE notified_at END,
                   handed_over_at = CASE WHEN \(stage.rawValue) = 'handed-over' THEN \(now) ELSE handed_over_at END,
                   storage_slot_id = \(slot), version = version + 1, updated_at = \(now)
            WHERE id = \(entryID)
            """, logger: logger)
        try await event(entryID, kind: "stage", from: entry.stage, to: stage, slot: slot, note: note, staffUserID: staffUserID, now: now, on: connection)
        return try await entries("e.id = $1", [entryID], on: connection)[0]
    }

    /// Puts a held card in another storage place (C9), recording the move.
    public func place(entryID: Int64, in storageSlotID: Int64, note: String = "", staffUserID: Int64?, now: Date,
                      on connection: PostgresConnection) async throws -> LedgerEntry {
        guard let entry = try await locked(entryID, on: connection) else { throw LedgerError.notFound }
        guard entry.stage.isHeld else { throw LedgerError.notHeld(entry.stage) }
        if entry.storageSlotID == storageSlotID { return entry }
        // Both slots locked in id order first: two clerks swapping cards between the same two
        // slots would otherwise each hold one and wait for the other.
        try await storage.lock([storageSlotID] + (entry.storageSlotID.map { [$0] } ?? []), on: connection)
        try await storage.take(storageSlotID, on: connection)
        if let current = entry.storageSlotID { try await storage.release(current, on: connection) }
        try await connection.execute("""
            UPDATE ledger_entry SET storage_slot_id = \(storageSlotID), version = version + 1, updated_at = \(now) WHERE id = \(entryID)
            """, logger: logger)
        try await event(entryID, kind: "place", from: nil, to: nil, slot: storageSlotID, note: note, staffUserID: staffUserID, now: now, on: connection)
        return try await entries("e.id = $1", [entryID], on: connection)[0]
    }

    /// Staff set the visit type by hand (C4); later imports leave a hand-set value alone.
    public func setVisitType(entryID: Int64, _ visitType: VisitType, staffUserID: Int64?, now: Date, on connection: PostgresConnection) async throws {
        guard let entry = try await locked(entryID, on: connection) else { throw LedgerError.notFound }
        guard entry.visitType != visitType else { return }
        try await connection.execute("""
            UPDATE ledger_entry SET visit_type = \(visitType.rawValue), visit_type_source = 'staff', version = version + 1, updated_at = \(now)
            WHERE id = \(entryID)
            """, logger: logger)
        try await event(entryID, kind: "edited", from: nil, to: nil, slot: nil, note: "来庁区分: \(entry.visitType.label) → \(visitType.label)",
                        staffUserID: staffUserID, now: now, on: connection)
    }

    public func setNotes(entryID: Int64, _ notes: String, staffUserID: Int64?, now: Date, on connection: PostgresConnection) async throws {
        guard try await locked(entryID, on: connection) != nil else { throw LedgerError.notFound }
        try await connection.execute("""
            UPDATE ledger_entry SET notes = \(notes), version = version + 1, updated_at = \(now) WHERE id = \(entryID)
            """, logger: logger)
        try await event(entryID, kind: "edited", from: nil, to: nil, slot: nil, note: "備考を更新", staffUserID: staffUserID, now: now, on: connection)
    }

    /// Records address and expiries read from the card (C7), by a reader or by hand.
    public func recordCardData(entryID: Int64, _ data: CardData.Checked, source: String, staffUserID: Int64?, now: Date,
                               on connection: PostgresConnection) async throws -> LedgerEntry {
        guard let entry = try await locked(entryID, on: connection) else { throw LedgerError.notFound }
        try await connection.execute("""
            UPDATE ledger_entry SET card_address = \(data.address), card_expiry = \(data.cardExpiry.description)::date,
                   certificate_expiry = \(data.certificateExpiry.description)::date, card_data_source = \(source), card_data_at = \(now),
                   version = version + 1, updated_at = \(now)
            WHERE id = \(entryID)
            """, logger: logger)
        var note = source == "reader" ? "カードリーダーから記録" : "手入力で記録"
        if !entry.address.isEmpty && !CardData.sameAddress(entry.address, data.address) { note += "（管理簿の住所と相違）" }
        try await event(entryID, kind: "card-data", from: nil, to: nil, slot: nil, note: note, staffUserID: staffUserID, now: now, on: connection)
        return try await entries("e.id = $1", [entryID], on: connection)[0]
    }

    func locked(_ entryID: Int64, on connection: PostgresConnection) async throws -> LedgerEntry? {
        guard try await connection.first("SELECT id FROM ledger_entry WHERE id = \(entryID) FOR UPDATE", as: (Int64).self, logger: logger) != nil else {
            return nil
        }
        return try await entries("e.id = $1", [entryID], on: connection).first
    }

    func event(_ entryID: Int64, kind: String, from: LedgerStage?, to: LedgerStage?, slot: Int64?, note: String, staffUserID: Int64?,
               importID: Int64? = nil, now: Date, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            INSERT INTO ledger_event (entry_id, kind, from_stage, to_stage, storage_slot_id, note, staff_user_id, import_id, at)
            VALUES (\(entryID), \(kind), \(from?.rawValue), \(to?.rawValue), \(slot), \(String(note.prefix(1000))), \(staffUserID), \(importID), \(now))
            """, logger: logger)
    }

    // MARK: QR registration (C2)

    /// Registers or confirms the card a scanned QR code names. A new entry takes the basic facts
    /// from the applicant that application ID belongs to, when intake recorded one.
    public func registerScan(_ payload: QRPayloadFormat.Payload, staffUserID: Int64?, now: Date,
                             on connection: PostgresConnection) async throws -> QRScanOutcome {
        let id = payload.applicationID.digits
        if let existing = try await entries("e.application_id = $1", [id], on: connection).first {
            if existing.qrConfirmedAt != nil { return .alreadyConfirmed(existing) }
            try await connection.execute("""
                UPDATE ledger_entry SET qr_confirmed_at = \(now), version = version + 1, updated_at = \(now) WHERE id = \(existing.id)
                """, logger: logger)
            try await event(existing.id, kind: "qr-confirmed", from: nil, to: nil, slot: nil, note: "QRコードで納品を確認",
                            staffUserID: staffUserID, now: now, on: connection)
            return .confirmed(try await entries("e.id = $1", [existing.id], on: connection)[0])
        }
        let today = CalendarDate(now).description
        guard let newID = try await connection.first("""
            INSERT INTO ledger_entry (application_id, applicant_id, name, kana, birth_date, sex, address, visit_type, visit_type_source,
                                      delivery_batch, delivered_on, stage, stage_changed_at, qr_confirmed_at, source, created_at, updated_at)
            SELECT \(id), a.id, coalesce(a.family_name || CASE WHEN a.given_name = '' THEN '' ELSE '　' || a.given_name END, ''),
                   coalesce(a.family_kana || CASE WHEN a.given_kana = '' THEN '' ELSE '　' || a.given_kana END, ''),
                   a.birth_date, coalesce(a.sex, 'unspecified'), coalesce(a.address, ''),
                   CASE WHEN i.verified THEN 'at-application' ELSE 'at-pickup' END,
                   CASE WHEN i.verified IS NULL THEN 'default' ELSE 'intake' END,
                   \(payload.batch ?? ""), \(today)::date, 'delivered', \(now), \(now), 'qr', \(now), \(now)
            FROM (SELECT 1) one
            LEFT JOIN applicant_application aa ON aa.application_id = \(id)
            LEFT JOIN applicant a ON a.id = aa.applicant_id
            LEFT JOIN LATERAL (SELECT bool_or(identity_verified) AS verified FROM intake WHERE application_id = \(id)) i ON true
            ON CONFLICT (application_id) DO NOTHING
            RETURNING id
            """, as: (Int64).self, logger: logger) else {
            // Registered by a concurrent scan of the same code a moment ago.
            return .alreadyConfirmed(try await entries("e.application_id = $1", [id], on: connection)[0])
        }
        try await event(newID, kind: "created", from: nil, to: .delivered, slot: nil, note: "QRコードで登録", staffUserID: staffUserID, now: now, on: connection)
        return .registered(try await entries("e.id = $1", [newID], on: connection)[0])
    }

    /// QR scans that registered or confirmed a card today (Tokyo): the running count on the scan page.
    public func scansToday(now: Date) async throws -> Int {
        let day = CalendarDate(now).description
        let count: Int64? = try await database.client.first("""
            SELECT count(*)::bigint FROM ledger_event
            WHERE at >= (\(day)::date)::timestamp AT TIME ZONE 'Asia/Tokyo'
              AND (kind = 'qr-confirmed' OR (kind = 'created' AND note = 'QRコードで登録'))
            """, as: (Int64).self, logger: logger)
        return Int(count ?? 0)
    }

    // MARK: pickup cross-check (A4)

    /// Is there a card for this person, and has it arrived (A4)? By application ID when given,
    /// else by kana and date of birth; several cards (a reissue after a renewal) → the most advanced.
    public func pickupCheck(applicationID: String, kanaKey: String, birthDate: String, on executor: some SQLExecutor) async throws -> PickupCheck {
        let found: [LedgerEntry]
        if !applicationID.isEmpty {
            found = try await entries("e.application_id = $1", [applicationID], on: executor)
        } else {
            found = try await entries("e.kana_key = $1 AND e.birth_date = $2::date AND e.stage NOT IN ('handed-over', 'returned', 'disposed')",
                                      [kanaKey, birthDate], order: "e.updated_at DESC", limit: 10, on: executor)
        }
        if let ready = found.first(where: { $0.stage.allowsPickupBooking }) { return .ready(ready) }
        if let held = found.first(where: { $0.stage == .onHold }) { return .onHold(held) }
        if let other = found.first { return .notReady(other) }
        return .noEntry
    }

    /// The same check through `pickup_verdict`, the one way the public site's role reaches the
    /// ledger: the answer is a word, never the entry.
    /// "Is my card ready?" (#16): one word, through the function the resident role may call.
    public func cardStatus(applicationID: String, birthDate: CalendarDate) async throws -> CardStatus {
        let word = try await database.client.first("SELECT card_status_verdict(\(applicationID), \(birthDate.description)::date)",
                                                   as: (String).self, logger: logger)
        return CardStatus(rawValue: word ?? "") ?? .notFound
    }

    public func pickupVerdict(applicationID: String, kanaKey: String, birthDate: String, on executor: some SQLExecutor) async throws -> PickupCheck {
        let word = try await executor.first("SELECT pickup_verdict(\(applicationID), \(kanaKey), \(birthDate)::date)",
                                            as: (String).self, logger: logger)
        return PickupCheck(verdict: word ?? "no-entry")
    }
}
