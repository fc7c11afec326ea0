import Foundation
import MadoguchiDomain
import PostgresNIO

/// The outbox (#16): messages queued in their change's transaction, taken by the worker under a
/// lease (FOR UPDATE SKIP LOCKED, so several instances never take the same row), then marked.
public struct MailOutboxStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func enqueue(_ mail: OutgoingMail, now: Date, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO mail_outbox (kind, booking_id, ledger_entry_id, recipient, subject, body, unsubscribe_url, next_attempt_at, created_at)
            VALUES (\(mail.kind.rawValue), \(mail.bookingID), \(mail.ledgerEntryID), \(mail.recipient), \(mail.subject), \(mail.body),
                    \(mail.unsubscribeURL), \(mail.dueAt ?? now), \(now))
            """, logger: connection.logger)
    }

    /// Withdraws a booking's reminder that has not gone out (the booking was moved or cancelled).
    public func withdrawReminders(bookingID: Int64, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE mail_outbox SET status = 'withdrawn'
            WHERE booking_id = \(bookingID) AND kind = \(OutgoingMail.Kind.bookingReminder.rawValue) AND status = 'pending'
            """, logger: connection.logger)
    }

    /// The cards among `ledgerEntryIDs` that were sent (or are about to be sent) `kind` since `since`.
    public func alreadyMailed(_ kind: OutgoingMail.Kind, ledgerEntryIDs: [Int64], since: Date) async throws -> Set<Int64> {
        Set(try await database.client.all("""
            SELECT DISTINCT ledger_entry_id FROM mail_outbox
            WHERE kind = \(kind.rawValue) AND ledger_entry_id = ANY(\(ledgerEntryIDs)) AND created_at >= \(since)
              AND status IN ('pending', 'sent')
            """, as: (Int64).self, logger: database.logger))
    }

    public struct Due: Sendable {
        public let id: Int64
        public let recipient: String
        public let subject: String
        public let body: String
        public let unsubscribeURL: String?
        public let attempts: Int
    }

    /// Up to `limit` due messages, leased until `now + lease` and counted as an attempt. A worker
    /// that dies mid-send leaves them to be taken again when the lease ends.
    public func take(limit: Int, now: Date, lease: TimeInterval) async throws -> [Due] {
        try await database.client.all("""
            WITH due AS (
                SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= \(now)
                ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            )
            UPDATE mail_outbox m SET attempts = m.attempts + 1, next_attempt_at = \(now.addingTimeInterval(lease))
            FROM due WHERE m.id = due.id
            RETURNING m.id, m.recipient, m.subject, m.body, m.unsubscribe_url, m.attempts
            """, as: (Int64, String, String, String, String?, Int).self, logger: database.logger)
            .map { Due(id: $0.0, recipient: $0.1, subject: $0.2, body: $0.3, unsubscribeURL: $0.4, attempts: $0.5) }
    }

    public func markSent(id: Int64, messageID: String, now: Date) async throws {
        try await database.client.execute("""
            UPDATE mail_outbox SET status = 'sent', sent_at = \(now), message_id = \(messageID), last_error = NULL WHERE id = \(id)
            """, logger: database.logger)
    }

    public func markRetry(id: Int64, error: String, at next: Date) async throws {
        try await database.client.execute("""
            UPDATE mail_outbox SET next_attempt_at = \(next), last_error = \(String(error.prefix(500))) WHERE id = \(id) AND status = 'pending'
            """, logger: database.logger)
    }

    /// A failed message; with `suppress` (a permanent refusal) the address gets no more mail.
    public func markFailed(id: Int64, recipient: String, error: String, suppress: Bool, now: Date) async throws {
        try await database.transaction { connection in
            try await connection.query("""
                UPDATE mail_outbox SET status = 'failed', last_error = \(String(error.prefix(500))) WHERE id = \(id)
                """, logger: connection.logger)
            guard suppress else { return }
            try await connection.query("""
                INSERT INTO mail_suppression (address, reason, created_at) VALUES (\(recipient.lowercased()), \(String(error.prefix(500))), \(now))
                ON CONFLICT (address) DO NOTHING
                """, logger: connection.logger)
        }
    }

    public func markSuppressed(id: Int64) async throws {
        try await database.client.execute("UPDATE mail_outbox SET status = 'suppressed' WHERE id = \(id)", logger: database.logger)
    }

    public func suppressed(_ addresses: [String]) async throws -> Set<String> {
        Set(try await database.client.all("SELECT address FROM mail_suppression WHERE address = ANY(\(addresses.map { $0.lowercased() }))",
                                         as: (String).self, logger: database.logger))
    }

    public func deliveries(bookingID: Int64) async throws -> [MailDelivery] {
        try await deliveries(where: "booking_id", id: bookingID)
    }

    public func deliveries(ledgerEntryID: Int64) async throws -> [MailDelivery] {
        try await deliveries(where: "ledger_entry_id", id: ledgerEntryID)
    }

    func deliveries(where column: String, id: Int64) async throws -> [MailDelivery] {
        try await database.client.all("""
            SELECT id, kind, recipient, status, attempts, last_error, created_at, sent_at FROM mail_outbox
            WHERE \(unescaped: column) = \(id) ORDER BY id
            """, as: (Int64, String, String, String, Int, String?, Date, Date?).self, logger: database.logger)
            .map { MailDelivery(id: $0.0, kind: $0.1, recipient: $0.2, status: $0.3, attempts: $0.4, lastError: $0.5, createdAt: $0.6, sentAt: $0.7) }
    }
}
