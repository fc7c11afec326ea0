import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Applicants and their application IDs (B5; the link for bookings, intake and the ledger).
public struct ApplicantStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    static let columns: PostgresQuery = """
        SELECT a.id, a.family_name, a.given_name, a.family_kana, a.given_kana, a.birth_date::text, a.sex, a.postal_code,
               a.address, a.phone, a.notes,
               ARRAY(SELECT p.application_id FROM applicant_application p WHERE p.applicant_id = a.id ORDER BY p.application_id),
               a.created_at
        FROM applicant a
        """

    static func applicant(_ row: PostgresRow) throws -> Applicant {
        let (id, family, given, familyKana, givenKana, birth, sex, postal, address, phone, notes, ids, created) = try row.decode(
            (Int64, String, String, String, String, String, String, String, String, String, String, [String], Date).self)
        return Applicant(id: id, familyName: family, givenName: given, familyKana: familyKana, givenKana: givenKana, birthDate: birth,
                         sex: sex, postalCode: postal, address: address, phone: phone, notes: notes, applicationIDs: ids, createdAt: created)
    }

    func applicants(_ query: PostgresQuery, on db: any SQLExecutor) async throws -> [Applicant] {
        var result: [Applicant] = []
        for try await row in try await db.run(query, logger: logger) { result.append(try Self.applicant(row)) }
        return result
    }

    /// Registers a validated applicant; an application ID that already belongs to someone else is
    /// a conflict (one form, one person).
    public func create(_ input: Applicant, on connection: PostgresConnection) async throws -> Int64 {
        guard let id = try await connection.first("""
            INSERT INTO applicant (family_name, given_name, family_kana, given_kana, birth_date, sex, postal_code, address, phone, notes)
            VALUES (\(input.familyName), \(input.givenName), \(input.familyKana), \(input.givenKana), \(input.birthDate)::date,
                    \(input.sex), \(input.postalCode), \(input.address), \(input.phone), \(input.notes))
            RETURNING id
            """, as: (Int64).self, logger: logger) else { throw ApplicantError.notFound }
        for applicationID in input.applicationIDs {
            try await link(applicationID: applicationID, to: id, on: connection)
        }
        return id
    }

    /// Links an application ID to an applicant; linking it again to the same person is a no-op.
    public func link(applicationID: String, to applicantID: Int64, on connection: PostgresConnection) async throws {
        let owner = try await connection.first("""
            INSERT INTO applicant_application (application_id, applicant_id) VALUES (\(applicationID), \(applicantID))
            ON CONFLICT (application_id) DO UPDATE SET application_id = EXCLUDED.application_id
            RETURNING applicant_id
            """, as: (Int64).self, logger: logger)
        if let owner, owner != applicantID { throw ApplicantError.applicationIDTaken(applicationID) }
    }

    public func find(id: Int64) async throws -> Applicant? {
        var query = Self.columns
        query.sql += " WHERE a.id = $1"
        query.binds.append(id)
        return try await applicants(query, on: database.client).first
    }

    /// Search by kana (prefix, spaces ignored), name (prefix), birth date, or application ID;
    /// conditions combine with AND. At most `limit` results, by kana.
    public func search(kana: String?, name: String?, birthDate: String?, applicationID: String?, limit: Int = 100) async throws -> [Applicant] {
        var query = Self.columns
        query.sql += """
             WHERE ($1::text IS NULL OR a.kana_key LIKE $1 || '%')
               AND ($2::text IS NULL OR a.family_name || a.given_name LIKE $2 || '%')
               AND ($3::date IS NULL OR a.birth_date = $3::date)
               AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM applicant_application p WHERE p.applicant_id = a.id AND p.application_id = $4))
             ORDER BY a.kana_key, a.birth_date, a.id LIMIT $5
            """
        query.binds.append(kana.flatMap(Kana.searchKey).map(SQLText.likeEscaped))
        query.binds.append(name.map { SQLText.likeEscaped($0.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{3000}", with: "")) })
        query.binds.append(birthDate)
        query.binds.append(applicationID)
        query.binds.append(Int64(limit))
        return try await applicants(query, on: database.client)
    }

}

