import Foundation
import MadoguchiDomain
import PostgresNIO

/// Agreements to be written to about one's card (#16): recorded at booking or intake, one in
/// force per application, withdrawn by the resident (the link in each mail) or by staff.
public struct ContactConsentStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Records `email` for `applicationID`; an agreement already in force is replaced.
    @discardableResult
    public func record(applicationID: String, email: String, source: ContactConsent.Source, userID: Int64?, now: Date,
                       on connection: PostgresConnection) async throws -> Int64 {
        try await connection.query("""
            UPDATE contact_consent SET withdrawn_at = \(now), withdrawn_by = 'replaced'
            WHERE application_id = \(applicationID) AND withdrawn_at IS NULL
            """, logger: connection.logger)
        return try await connection.first("""
            INSERT INTO contact_consent (application_id, email, source, recorded_by, consented_at)
            VALUES (\(applicationID), \(email), \(source.rawValue), \(userID), \(now)) RETURNING id
            """, as: (Int64).self, logger: connection.logger)!
    }

    /// The agreement in force for one application (staff side: it reads the address).
    public func active(applicationID: String, on connection: PostgresConnection) async throws -> ContactConsent? {
        try await connection.first("""
            SELECT \(unescaped: Self.columns) FROM contact_consent WHERE application_id = \(applicationID) AND withdrawn_at IS NULL
            """, as: Self.Row.self, logger: connection.logger).map(Self.consent)
    }

    /// The agreements in force for these applications, by application ID.
    public func active(applicationIDs: [String]) async throws -> [String: ContactConsent] {
        let rows = try await database.client.all("""
            SELECT \(unescaped: Self.columns) FROM contact_consent WHERE application_id = ANY(\(applicationIDs)) AND withdrawn_at IS NULL
            """, as: Self.Row.self, logger: database.logger)
        return Dictionary(rows.map(Self.consent).map { ($0.applicationID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The newest agreements, withdrawn ones too, for the staff page.
    public func recent(limit: Int) async throws -> [ContactConsent] {
        try await database.client.all("SELECT \(unescaped: Self.columns) FROM contact_consent ORDER BY id DESC LIMIT \(limit)",
                                      as: Self.Row.self, logger: database.logger).map(Self.consent)
    }

    /// Withdraws agreement `id`; false when it was not in force.
    public func withdraw(id: Int64, by: ContactConsent.Withdrawer, now: Date, on connection: PostgresConnection) async throws -> Bool {
        try await connection.first("""
            UPDATE contact_consent SET withdrawn_at = \(now), withdrawn_by = \(by.rawValue) WHERE id = \(id) AND withdrawn_at IS NULL RETURNING id
            """, as: (Int64).self, logger: connection.logger) != nil
    }

    typealias Row = (Int64, String, String, String, Date, Date?, String?)
    static let columns = "id, application_id, email, source, consented_at, withdrawn_at, withdrawn_by"

    static func consent(_ r: Row) -> ContactConsent {
        ContactConsent(id: r.0, applicationID: r.1, email: r.2, source: ContactConsent.Source(rawValue: r.3) ?? .intake,
                       consentedAt: r.4, withdrawnAt: r.5, withdrawnBy: r.6.flatMap(ContactConsent.Withdrawer.init(rawValue:)))
    }
}
