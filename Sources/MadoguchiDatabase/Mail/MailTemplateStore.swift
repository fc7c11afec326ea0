import Foundation
import MadoguchiDomain
import PostgresNIO

/// Administrators' wording of each mail kind (#16). Read on the connection that queues a mail,
/// so a mail is written with the wording in force when its change commits.
public struct MailTemplateStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func wording(_ kind: OutgoingMail.Kind, _ language: BookingLanguage, on executor: (any SQLExecutor)? = nil) async throws -> MailWording? {
        try await (executor ?? database.client).first("""
            SELECT subject, lead FROM mail_template WHERE kind = \(kind.rawValue) AND language = \(language.rawValue)
            """, as: (String, String).self, logger: database.logger).map { MailWording(subject: $0.0, lead: $0.1) }
    }

    /// Every edited wording, by kind and language.
    public func all() async throws -> [String: (wording: MailWording, updatedAt: Date)] {
        let rows = try await database.client.all("SELECT kind, language, subject, lead, updated_at FROM mail_template",
                                                 as: (String, String, String, String, Date).self, logger: database.logger)
        return Dictionary(rows.map { ("\($0.0)/\($0.1)", (wording: MailWording(subject: $0.2, lead: $0.3), updatedAt: $0.4)) }, uniquingKeysWith: { a, _ in a })
    }

    public func save(_ kind: OutgoingMail.Kind, _ language: BookingLanguage, _ wording: MailWording, userID: Int64?, now: Date,
                     on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO mail_template (kind, language, subject, lead, updated_by, updated_at)
            VALUES (\(kind.rawValue), \(language.rawValue), \(wording.subject), \(wording.lead), \(userID), \(now))
            ON CONFLICT (kind, language) DO UPDATE SET subject = EXCLUDED.subject, lead = EXCLUDED.lead,
                updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
            """, logger: connection.logger)
    }

    /// Back to the standard wording; false when it was not edited.
    public func reset(_ kind: OutgoingMail.Kind, _ language: BookingLanguage, on connection: PostgresConnection) async throws -> Bool {
        try await connection.first("""
            DELETE FROM mail_template WHERE kind = \(kind.rawValue) AND language = \(language.rawValue) RETURNING kind
            """, as: (String).self, logger: connection.logger) != nil
    }
}
