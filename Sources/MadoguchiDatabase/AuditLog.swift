import Crypto
import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// The hash-chained audit log (E2).
///
/// Entries are appended under a transaction-scoped advisory lock, so the chain has one order even
/// with several app instances; an entry written in the same transaction as the change it
/// describes commits or rolls back with it.
public struct AuditLog: Sendable {
    public let database: Database
    public let clock: any TimeSource
    static let lockKey: Int64 = 0x6175_6469_745f_6c67
    public static let genesisHash = Data(repeating: 0, count: 32)

    public init(database: Database, clock: any TimeSource = SystemTimeSource()) {
        self.database = database
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
        let hash = Data(SHA256.hash(data: AuditEntry.canonical(id: id, occurredAtMicros: micros, event: event, previousHash: previous)))
        try await connection.execute("""
            INSERT INTO audit_log (id, occurred_at, actor_user_id, actor_login, action, record_type, record_id,
                                   source_address, result, detail, request_id, prev_hash, hash)
            VALUES (\(id), 'epoch'::timestamptz + \(micros) * interval '1 microsecond', \(event.actorUserID),
                    \(event.actorLogin), \(event.action), \(event.recordType), \(event.recordID), \(event.sourceAddress),
                    \(event.result.rawValue), \(event.detail), \(event.requestID), \(previous), \(hash))
            """, logger: logger)
    }

    static let columns: PostgresQuery = """
        SELECT id, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor_user_id, actor_login, action, record_type,
               record_id, source_address, result, detail, request_id, prev_hash, hash FROM audit_log
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

    /// Re-computes every hash from the genesis entry on. `progress` is called every 10,000 entries.
    public func verify(progress: (@Sendable (Int) -> Void)? = nil) async throws -> AuditVerification {
        var query = Self.columns
        query.sql += " ORDER BY id"
        var expectedPrevious = Self.genesisHash
        var checked = 0
        for try await row in try await database.client.run(query, logger: database.logger) {
            let entry = try Self.entry(row)
            if entry.previousHash != expectedPrevious {
                return AuditVerification(checked: checked, firstBroken: (entry.id, "前の記録とのつながりが切れています（記録の削除または挿入）"))
            }
            let computed = Data(SHA256.hash(data: AuditEntry.canonical(
                id: entry.id, occurredAtMicros: entry.occurredAtMicros, event: entry.event, previousHash: entry.previousHash)))
            if computed != entry.hash {
                return AuditVerification(checked: checked, firstBroken: (entry.id, "記録の内容がハッシュと一致しません（改ざん）"))
            }
            expectedPrevious = entry.hash
            checked += 1
            if checked % 10_000 == 0 { progress?(checked) }
        }
        return AuditVerification(checked: checked, firstBroken: nil)
    }

    static func entry(_ row: PostgresRow) throws -> AuditEntry {
        let (id, micros, actorID, login, action, recordType, recordID, address, result, detail, requestID, previous, hash) =
            try row.decode((Int64, Int64, Int64?, String, String, String, String, String, String, String, String, Data, Data).self)
        return AuditEntry(id: id, occurredAtMicros: micros, actorUserID: actorID, actorLogin: login, action: action,
                          recordType: recordType, recordID: recordID, sourceAddress: address, result: result, detail: detail,
                          requestID: requestID, previousHash: previous, hash: hash)
    }
}
