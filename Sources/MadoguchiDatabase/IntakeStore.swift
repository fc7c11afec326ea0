import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Intake records (B1, B2), the sessions that group outreach and workplace intakes, and the
/// locations they happen at. Edits keep the previous version in `intake_history`.
public struct IntakeStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    // MARK: intake

    public func create(applicantID: Int64, _ draft: IntakeDraft, staffUserID: Int64?, on connection: PostgresConnection) async throws -> Int64 {
        guard let id = try await connection.first("""
            INSERT INTO intake (application_id, applicant_id, channel, received_on, location_id, session_id, identity_verified,
                                staff_user_id, notes)
            VALUES (\(draft.applicationID), \(applicantID), \(draft.channel.rawValue), \(draft.receivedOn.description)::date,
                    \(draft.locationID), \(draft.sessionID), \(draft.identityVerified), \(staffUserID), \(draft.notes))
            RETURNING id
            """, as: (Int64).self, logger: logger) else { throw IntakeError.notFound }
        return id
    }

    /// Saves an edit made from `expectedVersion`; a newer version saved meanwhile is a conflict
    /// (two clerks editing the same record), never a silent overwrite.
    public func update(id: Int64, _ draft: IntakeDraft, expectedVersion: Int, changedBy: Int64?, on connection: PostgresConnection) async throws {
        guard let (version, before) = try await connection.first("""
            SELECT version, to_jsonb(i)::text FROM intake i WHERE id = \(id) FOR UPDATE
            """, as: (Int, String).self, logger: logger) else { throw IntakeError.notFound }
        guard version == expectedVersion else { throw IntakeError.staleVersion }
        try await connection.execute("""
            INSERT INTO intake_history (intake_id, version, changed_by, before) VALUES (\(id), \(version), \(changedBy), \(before)::jsonb)
            """, logger: logger)
        try await connection.execute("""
            UPDATE intake SET application_id = \(draft.applicationID), channel = \(draft.channel.rawValue),
                   received_on = \(draft.receivedOn.description)::date, location_id = \(draft.locationID), session_id = \(draft.sessionID),
                   identity_verified = \(draft.identityVerified), notes = \(draft.notes), version = version + 1, updated_at = now()
            WHERE id = \(id)
            """, logger: logger)
    }

    static let columns = """
        SELECT i.id, i.applicant_id, i.application_id, i.channel, i.received_on::text, i.location_id, i.session_id,
               i.identity_verified, i.notes, l.name, s.held_on::text || ' ' || s.place, u.login, i.version, i.created_at, i.updated_at
        FROM intake i LEFT JOIN location l ON l.id = i.location_id LEFT JOIN intake_session s ON s.id = i.session_id
        LEFT JOIN staff_user u ON u.id = i.staff_user_id
        """

    func intakes(_ condition: String, _ bind: Int64) async throws -> [Intake] {
        var query = PostgresQuery(unsafeSQL: Self.columns + " WHERE " + condition + " ORDER BY i.received_on DESC, i.id DESC")
        query.binds.append(bind)
        var result: [Intake] = []
        for try await row in try await database.client.run(query, logger: logger) {
            let (id, applicant, applicationID, channel, received, location, session, verified, notes, locationName, sessionLabel, staff,
                 version, created, updated) = try row.decode(
                (Int64, Int64, String, String, String, Int64?, Int64?, Bool, String, String?, String?, String?, Int, Date, Date).self)
            let draft = IntakeDraft(applicationID: applicationID, channel: IntakeChannel(rawValue: channel) ?? .counter,
                              receivedOn: CalendarDate(received)!, locationID: location, sessionID: session,
                              identityVerified: verified, notes: notes)
            result.append(Intake(id: id, applicantID: applicant, draft: draft, locationName: locationName, sessionLabel: sessionLabel,
                                 staffLogin: staff, version: version, createdAt: created, updatedAt: updated))
        }
        return result
    }

    public func find(id: Int64) async throws -> Intake? {
        try await intakes("i.id = $1", id).first
    }

    public func forApplicant(_ applicantID: Int64) async throws -> [Intake] {
        try await intakes("i.applicant_id = $1", applicantID)
    }

    public func forSession(_ sessionID: Int64) async throws -> [Intake] {
        try await intakes("i.session_id = $1", sessionID)
    }

    public func history(intakeID: Int64) async throws -> [IntakeHistoryEntry] {
        try await database.client.all("""
            SELECT h.version, h.changed_at, coalesce(u.login, ''), h.before::text FROM intake_history h
            LEFT JOIN staff_user u ON u.id = h.changed_by WHERE h.intake_id = \(intakeID) ORDER BY h.version DESC
            """, as: (Int, Date, String, String).self, logger: logger)
            .map { IntakeHistoryEntry(version: $0.0, changedAt: $0.1, changedBy: $0.2, before: $0.3) }
    }

    // MARK: sessions and locations

    public func createSession(channel: IntakeChannel, heldOn: CalendarDate, place: String, organisation: String, notes: String,
                              createdBy: Int64?, on connection: PostgresConnection) async throws -> Int64 {
        guard let id = try await connection.first("""
            INSERT INTO intake_session (channel, held_on, place, organisation, notes, created_by)
            VALUES (\(channel.rawValue), \(heldOn.description)::date, \(place), \(organisation), \(notes), \(createdBy)) RETURNING id
            """, as: (Int64).self, logger: logger) else { throw IntakeError.notFound }
        return id
    }

    public func sessions(limit: Int = 200) async throws -> [IntakeSession] {
        try await database.client.all("""
            SELECT s.id, s.channel, s.held_on::text, s.place, s.organisation, (SELECT count(*) FROM intake i WHERE i.session_id = s.id)
            FROM intake_session s ORDER BY s.held_on DESC, s.id DESC LIMIT \(Int64(limit))
            """, as: (Int64, String, String, String, String, Int).self, logger: logger)
            .map { IntakeSession(id: $0.0, channel: IntakeChannel(rawValue: $0.1) ?? .outreach, heldOn: $0.2, place: $0.3, organisation: $0.4,
                           intakeCount: $0.5) }
    }
}

