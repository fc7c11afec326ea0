import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Writes checked issuance-list or city-ledger lines into the ledger (C3, E5) in the caller's
/// transaction: the lines go in by COPY to a temporary table, then set-based statements update
/// the entries that changed and insert the new ones. An application ID already in the ledger is
/// updated, never duplicated, so importing the same file twice changes nothing the second time.
/// Empty cells keep what the ledger holds; a stage is only taken from a city ledger (E5).
public struct LedgerImportWriter: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    public enum Kind: String, Sendable, CaseIterable {
        case issuanceList = "issuance-list"
        case ledger

        public var label: String { self == .issuanceList ? "カード発行一覧表" : "既存のカード管理簿" }
    }

    public struct Source: Sendable {
        public var kind: Kind
        public var fileName: String
        public var sha256: String
        public var encoding: String
        public init(kind: Kind, fileName: String, sha256: String, encoding: String) {
            self.kind = kind
            self.fileName = fileName
            self.sha256 = sha256
            self.encoding = encoding
        }
    }

    public struct Outcome: Sendable, Equatable {
        public var importID: Int64
        public var rows: Int
        public var created: Int
        public var updated: Int
        public var unchanged: Int
        /// Earlier imports of a file with the same content (shown as a warning, not refused).
        public var previousImports: [Date]
    }

    /// Problems only the database can see (an unknown storage place, a full one): the whole import fails.
    public struct Refusal: Error, Sendable, Equatable {
        public let problems: [ImportProblem]
    }

    public func write(_ records: [LedgerRecord], source: Source, staffUserID: Int64?, now: Date, batchSize: Int = 5000,
                      progress: (@Sendable (Int) -> Void)? = nil, on connection: PostgresConnection) async throws -> Outcome {
        // One import at a time: two files naming the same new card must not both insert it.
        try await connection.execute("SELECT pg_advisory_xact_lock(hashtext('madoguchi.ledger-import'))", logger: logger)
        // While the import runs, staff changes to cards wait (readers do not): the set-based
        // update computes new rows from one snapshot, and a handover made meanwhile would be
        // overwritten with the snapshot's values. Every staff change locks its entry row first, so
        // it waits here before it holds any other lock (no deadlock), and slot counts stay exact.
        try await connection.execute("LOCK TABLE ledger_entry IN EXCLUSIVE MODE", logger: logger)
        let previous = try await connection.all("""
            SELECT at FROM ledger_import WHERE file_sha256 = \(source.sha256) AND kind = \(source.kind.rawValue) ORDER BY at
            """, as: (Date).self, logger: logger)
        guard let importID = try await connection.first("""
            INSERT INTO ledger_import (kind, file_name, file_sha256, encoding, rows, staff_user_id, at)
            VALUES (\(source.kind.rawValue), \(String(source.fileName.prefix(255))), \(source.sha256), \(source.encoding), \(records.count), \(staffUserID), \(now))
            RETURNING id
            """, as: (Int64).self, logger: logger) else { throw LedgerError.notFound }

        try await connection.execute("""
            CREATE TEMP TABLE ledger_incoming (
                line integer, application_id text, name text, kana text, birth_date date, sex text, address text, card_kind text,
                visit_type text, delivery_batch text, delivered_on date, card_expiry date, certificate_expiry date, stage text,
                storage_place text, handed_over_on date, notes text
            ) ON COMMIT DROP
            """, logger: logger)
        try await copy(records, batchSize: batchSize, progress: progress, on: connection)
        try await connection.execute("CREATE INDEX ON ledger_incoming (application_id)", logger: logger)
        try await connection.execute("ANALYZE ledger_incoming", logger: logger)
        try await checkPlaces(on: connection)

        // The visit type from intake when the file gives none (C4): verified identity → at-application.
        try await connection.execute("ALTER TABLE ledger_incoming ADD COLUMN intake_verified boolean", logger: logger)
        try await connection.execute("""
            UPDATE ledger_incoming i SET intake_verified = v.verified
            FROM (SELECT application_id, bool_or(identity_verified) AS verified FROM intake GROUP BY application_id) v
            WHERE v.application_id = i.application_id
            """, logger: logger)

        let today = CalendarDate(now).description
        let updated: Int64 = try await connection.all("""
            WITH incoming AS (\(unescaped: Self.incoming)), next AS (
                SELECT e.id, e.stage AS old_stage,
                       coalesce(i.name, e.name) AS name, coalesce(i.kana, e.kana) AS kana, coalesce(i.birth_date, e.birth_date) AS birth_date,
                       coalesce(i.sex, e.sex) AS sex, coalesce(i.address, e.address) AS address, coalesce(i.card_kind, e.card_kind) AS card_kind,
                       CASE WHEN e.visit_type_source = 'staff' THEN e.visit_type
                            WHEN i.visit_type IS NOT NULL THEN i.visit_type
                            WHEN e.visit_type_source = 'default' AND i.intake_verified IS NOT NULL
                                 THEN CASE WHEN i.intake_verified THEN 'at-application' ELSE 'at-pickup' END
                            ELSE e.visit_type END AS visit_type,
                       CASE WHEN e.visit_type_source = 'staff' THEN 'staff'
                            WHEN i.visit_type IS NOT NULL THEN 'file'
                            WHEN e.visit_type_source = 'default' AND i.intake_verified IS NOT NULL THEN 'intake'
                            ELSE e.visit_type_source END AS visit_type_source,
                       coalesce(i.delivery_batch, e.delivery_batch) AS delivery_batch, coalesce(i.delivered_on, e.delivered_on) AS delivered_on,
                       coalesce(i.card_expiry, e.card_expiry) AS card_expiry, coalesce(i.certificate_expiry, e.certificate_expiry) AS certificate_expiry,
                       CASE WHEN s.staff_moved THEN e.stage ELSE coalesce(i.stage, e.stage) END AS stage,
                       CASE WHEN s.staff_moved THEN e.storage_slot_id
                            WHEN coalesce(i.stage, e.stage) IN ('handed-over', 'returned', 'disposed') THEN NULL
                            ELSE coalesce(i.slot_id, e.storage_slot_id) END AS storage_slot_id,
                       CASE WHEN NOT s.staff_moved AND i.handed_over_on IS NOT NULL THEN (i.handed_over_on + time '12:00') AT TIME ZONE 'Asia/Tokyo'
                            ELSE e.handed_over_at END AS handed_over_at,
                       coalesce(i.notes, e.notes) AS notes
                FROM ledger_entry e JOIN incoming i ON i.application_id = e.application_id
                -- Once staff have moved a card in Madoguchi, the ledger is the truth: a city
                -- ledger imported again (E5) does not put it back to the file's stage or place.
                CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM ledger_event ev WHERE ev.entry_id = e.id AND ev.kind IN ('stage', 'place'))
                                    AS staff_moved) s
            ), changed AS (
                UPDATE ledger_entry e SET
                    name = n.name, kana = n.kana, birth_date = n.birth_date, sex = n.sex, address = n.address, card_kind = n.card_kind,
                    visit_type = n.visit_type, visit_type_source = n.visit_type_source, delivery_batch = n.delivery_batch,
                    delivered_on = n.delivered_on, card_expiry = n.card_expiry, certificate_expiry = n.certificate_expiry,
                    stage = n.stage,
                    held_from = CASE WHEN n.stage = e.stage THEN e.held_from
                                     WHEN n.stage = 'on-hold' AND e.stage IN ('delivered', 'inspected', 'prepared', 'notified') THEN e.stage END,
                    stage_changed_at = CASE WHEN n.stage = e.stage THEN e.stage_changed_at ELSE \(now) END,
                    storage_slot_id = n.storage_slot_id, handed_over_at = n.handed_over_at, notes = n.notes,
                    import_id = \(importID), version = e.version + 1, updated_at = \(now)
                FROM next n
                WHERE e.id = n.id AND (e.name, e.kana, e.birth_date, e.sex, e.address, e.card_kind, e.visit_type, e.visit_type_source,
                                       e.delivery_batch, e.delivered_on, e.card_expiry, e.certificate_expiry, e.stage, e.storage_slot_id,
                                       e.handed_over_at, e.notes)
                      IS DISTINCT FROM (n.name, n.kana, n.birth_date, n.sex, n.address, n.card_kind, n.visit_type, n.visit_type_source,
                                        n.delivery_batch, n.delivered_on, n.card_expiry, n.certificate_expiry, n.stage, n.storage_slot_id,
                                        n.handed_over_at, n.notes)
                RETURNING e.id, n.old_stage, e.stage
            ), events AS (
                INSERT INTO ledger_event (entry_id, kind, from_stage, to_stage, note, staff_user_id, import_id, at)
                SELECT id, 'imported', CASE WHEN old_stage <> stage THEN old_stage END, CASE WHEN old_stage <> stage THEN stage END,
                       \(source.kind.label + "の取込で更新"), \(staffUserID), \(importID), \(now)
                FROM changed
            )
            SELECT count(*)::bigint FROM changed
            """, as: (Int64).self, logger: logger).first ?? 0

        let created: Int64 = try await connection.all("""
            WITH incoming AS (\(unescaped: Self.incoming)
                WHERE NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.application_id = i.application_id)
            ), inserted AS (
                INSERT INTO ledger_entry (application_id, name, kana, birth_date, sex, address, card_kind, visit_type, visit_type_source,
                                          delivery_batch, delivered_on, card_expiry, certificate_expiry, stage, stage_changed_at,
                                          storage_slot_id, handed_over_at, notes, source, import_id, created_at, updated_at)
                SELECT application_id, name, coalesce(kana, ''), birth_date, coalesce(sex, 'unspecified'), coalesce(address, ''),
                       coalesce(card_kind, 'new'),
                       coalesce(visit_type, CASE WHEN intake_verified THEN 'at-application' ELSE 'at-pickup' END),
                       CASE WHEN visit_type IS NOT NULL THEN 'file' WHEN intake_verified IS NOT NULL THEN 'intake' ELSE 'default' END,
                       coalesce(delivery_batch, ''), coalesce(delivered_on, \(today)::date), card_expiry, certificate_expiry,
                       coalesce(stage, 'delivered'), \(now),
                       CASE WHEN coalesce(stage, 'delivered') IN ('handed-over', 'returned', 'disposed') THEN NULL ELSE slot_id END,
                       CASE WHEN handed_over_on IS NOT NULL THEN (handed_over_on + time '12:00') AT TIME ZONE 'Asia/Tokyo' END,
                       coalesce(notes, ''), \(source.kind.rawValue), \(importID), \(now), \(now)
                FROM incoming
                RETURNING id, stage
            ), events AS (
                INSERT INTO ledger_event (entry_id, kind, to_stage, note, staff_user_id, import_id, at)
                SELECT id, 'created', stage, \(source.kind.label + "の取込で登録"), \(staffUserID), \(importID), \(now) FROM inserted
            )
            SELECT count(*)::bigint FROM inserted
            """, as: (Int64).self, logger: logger).first ?? 0

        try await linkApplicants(importID: importID, on: connection)
        try await recountPlaces(on: connection)
        let outcome = Outcome(importID: importID, rows: records.count, created: Int(created), updated: Int(updated),
                              unchanged: records.count - Int(created) - Int(updated), previousImports: previous)
        try await connection.execute("""
            UPDATE ledger_import SET created = \(outcome.created), updated = \(outcome.updated), unchanged = \(outcome.unchanged) WHERE id = \(importID)
            """, logger: logger)
        return outcome
    }

    /// The incoming lines with the storage slot their `A-1-3` place names (NULL when none).
    static let incoming = """
        SELECT i.*, p.id AS slot_id FROM ledger_incoming i LEFT JOIN storage_place p ON p.code = i.storage_place
        """

    /// Streams the lines into the temporary table in COPY text format, a batch at a time.
    func copy(_ records: [LedgerRecord], batchSize: Int, progress: (@Sendable (Int) -> Void)?, on connection: PostgresConnection) async throws {
        let columns = ["line", "application_id", "name", "kana", "birth_date", "sex", "address", "card_kind", "visit_type", "delivery_batch",
                       "delivered_on", "card_expiry", "certificate_expiry", "stage", "storage_place", "handed_over_on", "notes"]
        try await connection.copyFrom(table: "ledger_incoming", columns: columns, logger: logger) { writer in
            var buffer = ByteBuffer()
            for (n, r) in records.enumerated() {
                let fields: [String?] = [
                    String(r.line), r.applicationID.digits, r.name.isEmpty ? nil : r.name, r.kana.isEmpty ? nil : r.kana, r.birthDate.description,
                    r.sex == .unspecified ? nil : r.sex.rawValue, r.address.isEmpty ? nil : r.address, r.cardKind?.rawValue, r.visitType?.rawValue,
                    r.deliveryBatch.isEmpty ? nil : r.deliveryBatch, r.deliveredOn?.description, r.cardExpiry?.description,
                    r.certificateExpiry?.description, r.stage?.rawValue, r.storagePlace, r.handedOverOn?.description, r.notes.isEmpty ? nil : r.notes,
                ]
                CopyText.append(fields, to: &buffer)
                if (n + 1) % batchSize == 0 {
                    try await writer.write(buffer)
                    buffer.clear()
                    progress?(n + 1)
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
            progress?(records.count)
        }
    }

    /// Every storage place a line names must exist; a city ledger may not over-fill one.
    func checkPlaces(on connection: PostgresConnection) async throws {
        let unknown = try await connection.all("""
            SELECT i.line, i.storage_place FROM ledger_incoming i
            WHERE i.storage_place IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM storage_place p WHERE p.code = i.storage_place)
            ORDER BY i.line
            """, as: (Int32, String).self, logger: logger)
        if !unknown.isEmpty {
            throw Refusal(problems: unknown.map { ImportProblem(line: Int($0.0), reasons: ["保管場所「\($0.1)」は登録されていません（保管場所の画面で先に登録してください）"]) })
        }
    }

    /// Makes each slot's count match the cards in it; a slot the file over-fills fails the import.
    func recountPlaces(on connection: PostgresConnection) async throws {
        let over = try await connection.all("""
            SELECT p.code, count(e.id)::bigint, p.capacity
            FROM storage_place p JOIN ledger_entry e ON e.storage_slot_id = p.id
            GROUP BY p.id, p.code, p.capacity HAVING count(e.id) > p.capacity ORDER BY 1
            """, as: (String, Int64, Int32).self, logger: logger)
        if !over.isEmpty {
            // Named by the lines that put cards there, so the file can be corrected.
            let lines = try await connection.all("""
                SELECT i.line, i.storage_place FROM ledger_incoming i WHERE i.storage_place = ANY(\(over.map(\.0))) ORDER BY i.line
                """, as: (Int32, String).self, logger: logger)
            var problems = lines.map { line in
                let slot = over.first { $0.0 == line.1 }
                return ImportProblem(line: Int(line.0), reasons: ["保管場所 \(line.1) は容量 \(slot?.2 ?? 0) 枚を超えます（管理簿全体で \(slot?.1 ?? 0) 枚になります）"])
            }
            if problems.isEmpty {
                problems = over.map { ImportProblem(line: 0, reasons: ["保管場所 \($0.0) に \($0.1) 枚となり、容量 \($0.2) 枚を超えます"]) }
            }
            throw Refusal(problems: problems)
        }
        try await connection.execute("""
            UPDATE storage_slot s SET used = x.n
            FROM (SELECT s2.id, count(e.id)::integer AS n FROM storage_slot s2 LEFT JOIN ledger_entry e ON e.storage_slot_id = s2.id GROUP BY s2.id) x
            WHERE x.id = s.id AND s.used <> x.n
            """, logger: logger)
    }

    /// Links entries to their applicant: by application ID, else by one unambiguous match of
    /// kana and date of birth (so documents, intake and bookings show beside the card).
    func linkApplicants(importID: Int64, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE ledger_entry e SET applicant_id = aa.applicant_id
            FROM ledger_incoming i JOIN applicant_application aa ON aa.application_id = i.application_id
            WHERE e.application_id = i.application_id AND e.applicant_id IS DISTINCT FROM aa.applicant_id
            """, logger: logger)
        try await connection.execute("""
            UPDATE ledger_entry e SET applicant_id = m.applicant_id
            FROM (SELECT e2.id, min(a.id) AS applicant_id
                  FROM ledger_entry e2 JOIN ledger_incoming i ON i.application_id = e2.application_id
                  JOIN applicant a ON a.kana_key = e2.kana_key AND a.birth_date = e2.birth_date
                  WHERE e2.applicant_id IS NULL AND e2.kana_key <> ''
                  GROUP BY e2.id HAVING count(*) = 1) m
            WHERE e.id = m.id
            """, logger: logger)
    }
}
