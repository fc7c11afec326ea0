import Foundation
import MadoguchiDomain
import PostgresNIO

/// Counter terminals and their read jobs (#15). Jobs are rows, not messages in one process: the
/// page and the agent's long poll may reach different app nodes (F6), and a failover loses none.
public struct CardReadJobStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    // MARK: terminals

    public struct Terminal: Sendable, Equatable {
        public let name: String
        public let accountID: Int64
        public let reader: String
        public let agentVersion: String
        public let lastSeenAt: Date
    }

    /// Registers `name` for `accountID` on its first poll and refreshes it on each one; nil when
    /// the name belongs to another account.
    public func touch(terminal name: String, accountID: Int64, reader: String, agentVersion: String, now: Date) async throws -> Terminal? {
        let row = try await database.client.first("""
            INSERT INTO card_terminal AS t (name, account_id, reader, agent_version, registered_at, last_seen_at)
            VALUES (\(name), \(accountID), \(reader), \(agentVersion), \(now), \(now))
            ON CONFLICT (name) DO UPDATE SET reader = EXCLUDED.reader, agent_version = EXCLUDED.agent_version, last_seen_at = EXCLUDED.last_seen_at
                WHERE t.account_id = EXCLUDED.account_id
            RETURNING name, account_id, reader, agent_version, last_seen_at
            """, as: (String, Int64, String, String, Date).self, logger: database.logger)
        return row.map { Terminal(name: $0.0, accountID: $0.1, reader: $0.2, agentVersion: $0.3, lastSeenAt: $0.4) }
    }

    /// Terminals seen since `since`, by name.
    public func terminals(seenSince since: Date) async throws -> [Terminal] {
        try await database.client.all("""
            SELECT name, account_id, reader, agent_version, last_seen_at FROM card_terminal WHERE last_seen_at >= \(since) ORDER BY name
            """, as: (String, Int64, String, String, Date).self, logger: database.logger)
            .map { Terminal(name: $0.0, accountID: $0.1, reader: $0.2, agentVersion: $0.3, lastSeenAt: $0.4) }
    }

    // MARK: jobs

    public func create(_ job: CardReadJob, sealedCode: Data?, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO card_read_job (id, ledger_entry_id, terminal, purpose, unlock, sealed_code, status, requested_by, created_at, expires_at)
            VALUES (\(job.id), \(job.entryID), \(job.terminal), \(job.purpose.rawValue), \(job.unlock.rawValue), \(sealedCode),
                    'pending', \(job.requestedBy), \(job.createdAt), \(job.expiresAt))
            """, logger: connection.logger)
    }

    /// The oldest pending job of `terminal`, taken: status reading, and the sealed 照合番号B
    /// returned and erased from the row in the same statement. SKIP LOCKED: two polls of one
    /// terminal never take the same job.
    public func claim(terminal: String, now: Date) async throws -> (job: CardReadJob, sealedCode: Data?)? {
        let rows = try await database.client.all("""
            WITH next AS (
                SELECT id, sealed_code FROM card_read_job
                WHERE terminal = \(terminal) AND status = 'pending' AND expires_at > \(now)
                ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
            ), taken AS (
                UPDATE card_read_job j SET status = 'reading', claimed_at = \(now), sealed_code = NULL
                FROM next WHERE j.id = next.id RETURNING j.id, next.sealed_code
            )
            SELECT id, sealed_code FROM taken
            """, as: (UUID, Data?).self, logger: database.logger)
        guard let (id, sealed) = rows.first, let job = try await find(id: id) else { return nil }
        return (job, sealed)
    }

    /// Ends a job the terminal is reading; false when it is not (expired meanwhile, or another terminal's).
    public func finish(id: UUID, terminal: String, reading: CardReading?, failureCode: String?, failureMessage: String?, reader: String,
                       now: Date, on connection: PostgresConnection) async throws -> Bool {
        let json = try reading.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let status = reading == nil ? "failed" : "done"
        let rows = try await connection.query("""
            UPDATE card_read_job SET status = \(status), reading = \(json)::jsonb, failure_code = \(failureCode),
                failure_message = \(failureMessage), reader = \(reader), finished_at = \(now), sealed_code = NULL
            WHERE id = \(id) AND terminal = \(terminal) AND status = 'reading' AND expires_at > \(now)
            RETURNING id
            """, logger: connection.logger)
        for try await _ in rows { return true }
        return false
    }

    /// Jobs past their two minutes: expired, and any code still in a row erased.
    @discardableResult
    public func expire(now: Date) async throws -> Int {
        try await database.client.all("""
            UPDATE card_read_job SET status = 'expired', sealed_code = NULL, finished_at = \(now)
            WHERE status IN ('pending', 'reading') AND expires_at <= \(now) RETURNING id
            """, as: (UUID).self, logger: database.logger).count
    }

    public func purge(olderThan cutoff: Date) async throws {
        try await database.client.execute("DELETE FROM card_read_job WHERE created_at < \(cutoff)", logger: database.logger)
    }

    public func markRecorded(id: UUID, now: Date, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE card_read_job SET recorded_at = \(now) WHERE id = \(id)", logger: connection.logger)
    }

    public func find(id: UUID, on executor: (any SQLExecutor)? = nil) async throws -> CardReadJob? {
        try await jobs("j.id = $1", [id], on: executor ?? database.client).first
    }

    /// The newest jobs of one card.
    public func jobs(entryID: Int64, limit: Int = 10) async throws -> [CardReadJob] {
        try await jobs("j.ledger_entry_id = $1 ORDER BY j.created_at DESC LIMIT \(limit)", [entryID], on: database.client)
    }

    func jobs(_ condition: String, _ binds: [any PostgresEncodable & Sendable], on executor: any SQLExecutor) async throws -> [CardReadJob] {
        var query = PostgresQuery(unsafeSQL: """
            SELECT j.id, j.ledger_entry_id, e.application_id, j.terminal, j.purpose, j.unlock, j.status, j.reading::text, j.failure_code,
                   j.failure_message, j.requested_by, j.created_at, j.expires_at, j.finished_at, j.reader, j.recorded_at
            FROM card_read_job j JOIN ledger_entry e ON e.id = j.ledger_entry_id
            WHERE \(condition)
            """)
        for bind in binds { try query.binds.append(bind) }
        let rows = try await executor.all(query, as: (UUID, Int64, String, String, String, String, String, String?, String?, String?, Int64?,
                                                      Date, Date, Date?, String?, Date?).self, logger: database.logger)
        return rows.map { r in
            CardReadJob(id: r.0, entryID: r.1, applicationID: r.2, terminal: r.3, purpose: CardReadPurpose(rawValue: r.4) ?? .record,
                        unlock: CardUnlock(rawValue: r.5) ?? .verificationCodeB, status: CardReadJob.Status(rawValue: r.6) ?? .failed,
                        reading: r.7.flatMap { try? JSONDecoder().decode(CardReading.self, from: Data($0.utf8)) }, failureCode: r.8,
                        failureMessage: r.9, requestedBy: r.10, createdAt: r.11, expiresAt: r.12, finishedAt: r.13, reader: r.14, recordedAt: r.15)
        }
    }
}
