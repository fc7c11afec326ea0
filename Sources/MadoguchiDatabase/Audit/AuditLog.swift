import Crypto
import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// The sealed, hash-chained audit log (E2, #13).
///
/// Entries are appended under a transaction-scoped advisory lock, so the chain has one order even
/// with several app instances; an entry written in the same transaction as the change it
/// describes commits or rolls back with it. Each row's seal is HMAC-SHA-256 under a key kept
/// outside the database (`AuditKeyring`) over the row and the previous row's seal, so rewriting
/// and re-chaining rows needs the key; deleting the newest rows is caught by the anchors
/// (`AuditAnchors`), copies of the head kept outside the database. No role may UPDATE, DELETE or
/// TRUNCATE the table (grants and triggers, schema 0011).
public struct AuditLog: Sendable {
    public let database: Database
    public let keyring: AuditKeyring
    public let clock: any TimeSource
    static let lockKey: Int64 = 0x6175_6469_745f_6c67
    public static let genesisHash = Data(repeating: 0, count: 32)
    /// Delivered on commit to every instance's anchor writer, with the new head.
    public static let channel = "audit_appended"

    public init(database: Database, keyring: AuditKeyring, clock: any TimeSource = SystemTimeSource()) {
        self.database = database
        self.keyring = keyring
        self.clock = clock
    }

    /// Appends `event` in its own transaction.
    public func record(_ event: AuditEvent) async throws {
        try await database.transaction { connection in
            try await record(event, on: connection)
        }
    }

    /// Appends `event` inside the caller's open transaction on `connection`.
    public func record(_ event: AuditEvent, on connection: PostgresConnection) async throws {
        let logger = database.logger
        try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
        let previous = try await connection.first(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", as: (Data).self, logger: logger) ?? Self.genesisHash
        guard let id = try await connection.first("SELECT nextval('audit_log_id_seq')", as: (Int64).self, logger: logger) else {
            throw DatabaseError.migrationMissing("audit_log_id_seq")
        }
        let micros = Int64((clock.now().timeIntervalSince1970 * 1_000_000).rounded())
        let keyID = keyring.currentID
        guard let hash = keyring.seal(AuditEntry.canonical(id: id, occurredAtMicros: micros, event: event, previousHash: previous), keyID: keyID) else {
            throw SecretsError.badKey("audit key")
        }
        try await connection.execute("""
            INSERT INTO audit_log (id, occurred_at, actor_user_id, actor_login, action, record_type, record_id,
                                   source_address, result, detail, request_id, prev_hash, hash, key_id)
            VALUES (\(id), 'epoch'::timestamptz + \(micros) * interval '1 microsecond', \(event.actorUserID),
                    \(event.actorLogin), \(event.action), \(event.recordType), \(event.recordID), \(event.sourceAddress),
                    \(event.result.rawValue), \(event.detail), \(event.requestID), \(previous), \(hash), \(keyID))
            """, logger: logger)
        try await connection.execute("SELECT pg_notify(\(Self.channel), \(AuditAnchor(id: id, hash: hash, at: clock.now()).line))", logger: logger)
    }

    /// Whether the newest row predates the keyed seal (right after the upgrade to schema 0011):
    /// the staff side then writes one keyed row, so the newest row is always keyed.
    public func headIsUnkeyed() async throws -> Bool {
        let keyID: Int32? = try await database.client.first("SELECT key_id FROM audit_log ORDER BY id DESC LIMIT 1", as: (Int32).self,
                                                            logger: database.logger)
        return keyID == 0
    }

    /// The newest row, for an anchor (nil while the log is empty).
    public func head() async throws -> AuditAnchor? {
        guard let (id, hash) = try await database.client.first(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", as: (Int64, Data).self, logger: database.logger) else { return nil }
        return AuditAnchor(id: id, hash: hash, at: clock.now())
    }

    static let columns: PostgresQuery = """
        SELECT id, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor_user_id, actor_login, action, record_type,
               record_id, source_address, result, detail, request_id, prev_hash, hash, key_id FROM audit_log
        """

    /// Newest first, at most `filter.limit` entries.
    public func search(_ filter: AuditFilter) async throws -> [AuditEntry] {
        var query = Self.columns
        query.sql += """
             WHERE ($1::text IS NULL OR actor_login = $1) AND ($2::text IS NULL OR action LIKE $2 || '%')
               AND ($3::text IS NULL OR record_type = $3) AND ($4::text IS NULL OR record_id = $4)
               AND ($5::timestamptz IS NULL OR occurred_at >= $5) AND ($6::timestamptz IS NULL OR occurred_at < $6)
             ORDER BY id DESC LIMIT $7
            """
        query.binds.append(filter.actorLogin)
        query.binds.append(filter.action)
        query.binds.append(filter.recordType)
        query.binds.append(filter.recordID)
        query.binds.append(filter.from)
        query.binds.append(filter.until)
        query.binds.append(Int64(max(1, min(filter.limit, 100_000))))
        var entries: [AuditEntry] = []
        for try await row in try await database.client.run(query, logger: database.logger) {
            entries.append(try Self.entry(row))
        }
        return entries
    }

    /// Re-computes every seal from the genesis entry on, and checks that every anchor names a
    /// row that is still there with the same seal. `progress` is called every 10,000 entries.
    public func verify(anchors: [AuditAnchor] = [], progress: (@Sendable (Int) -> Void)? = nil) async throws -> AuditVerification {
        var query = Self.columns
        query.sql += " ORDER BY id"
        var expectedPrevious = Self.genesisHash
        var checked = 0
        var sealedSeen = false
        var pending = Dictionary(grouping: anchors, by: \.id)
        var lastID: Int64 = 0
        for try await row in try await database.client.run(query, logger: database.logger) {
            let (entry, keyID) = try Self.sealedEntry(row)
            lastID = entry.id
            if entry.previousHash != expectedPrevious {
                return AuditVerification(checked: checked, firstBroken: (entry.id, "前の記録とのつながりが切れています（記録の削除または挿入）"))
            }
            let canonical = AuditEntry.canonical(id: entry.id, occurredAtMicros: entry.occurredAtMicros, event: entry.event,
                                                 previousHash: entry.previousHash)
            let computed: Data?
            if keyID == 0 {
                // Rows from before the keyed seal (schema 0011) carry a plain SHA-256; none may follow a keyed row.
                if sealedSeen {
                    return AuditVerification(checked: checked, firstBroken: (entry.id, "鍵で封印された記録の後に、鍵のない記録があります（改ざん）"))
                }
                computed = Data(SHA256.hash(data: canonical))
            } else {
                sealedSeen = true
                computed = keyring.seal(canonical, keyID: keyID)
                if computed == nil {
                    return AuditVerification(checked: checked, firstBroken: (entry.id, "封印の鍵 \(keyID) がこの環境にありません（鍵ファイルを確認してください）"))
                }
            }
            if computed != entry.hash {
                return AuditVerification(checked: checked, firstBroken: (entry.id, "記録の内容が封印と一致しません（改ざん）"))
            }
            if let expected = pending.removeValue(forKey: entry.id), expected.contains(where: { $0.hash != entry.hash }) {
                return AuditVerification(checked: checked, firstBroken: (entry.id, "外部に控えた封印と一致しません（書き換え）"))
            }
            expectedPrevious = entry.hash
            checked += 1
            if checked % 10_000 == 0 { progress?(checked) }
        }
        // Every row the app writes is keyed: a log whose newest row is not was rewritten in the old form.
        if checked > 0, !sealedSeen {
            return AuditVerification(checked: checked, firstBroken: (lastID, "最新の記録が鍵で封印されていません（鍵のない形への書き換え）"),
                                     anchorsChecked: anchors.count)
        }
        if let missing = pending.keys.min() {
            let first = max(lastID + 1, 1)
            return AuditVerification(checked: checked, firstBroken: (missing,
                "外部に控えた記録 \(missing) がありません（記録 \(first) 以降が削除されています）"), anchorsChecked: anchors.count)
        }
        return AuditVerification(checked: checked, firstBroken: nil, anchorsChecked: anchors.count)
    }

    static func sealedEntry(_ row: PostgresRow) throws -> (AuditEntry, Int) {
        let (id, micros, actorID, login, action, recordType, recordID, address, result, detail, requestID, previous, hash, keyID) =
            try row.decode((Int64, Int64, Int64?, String, String, String, String, String, String, String, String, Data, Data, Int32).self)
        return (AuditEntry(id: id, occurredAtMicros: micros, actorUserID: actorID, actorLogin: login, action: action,
                           recordType: recordType, recordID: recordID, sourceAddress: address, result: result, detail: detail,
                           requestID: requestID, previousHash: previous, hash: hash), Int(keyID))
    }

    static func entry(_ row: PostgresRow) throws -> AuditEntry {
        try sealedEntry(row).0
    }
}
