import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// The extract's SQL: one query text for the count and the rows, streamed.
extension Extract {
    func query(count: Bool) -> PostgresQuery {
        let select: String, from: String, day: String, age: String, location: String, channelColumn: String
        var extra: [String] = []
        switch dataset {
        case .bookings:
            day = "b.day"
            age = "date_part('year', age(b.day, b.birth_date))::int"
            location = "b.location_id"
            channelColumn = "b.channel"
            from = "booking b JOIN slot s ON s.id = b.slot_id JOIN location l ON l.id = b.location_id"
            select = """
                ARRAY[b.code, s.day::text, to_char(s.starts_at AT TIME ZONE 'Asia/Tokyo', 'HH24:MI'), l.name, s.purpose, b.status, b.channel,
                      trim(b.family_name || '　' || b.given_name, '　'), trim(b.family_kana || '　' || b.given_kana, '　'), b.birth_date::text,
                      \(age)::text, b.phone, coalesce(b.application_id, ''), to_char(b.created_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI')]
                """
            extra = ["($4::text IS NULL OR b.purpose = $4)", "($5::text IS NULL OR b.status = $5)"]
        case .intakes:
            day = "i.received_on"
            age = "date_part('year', age(i.received_on, a.birth_date))::int"
            location = "i.location_id"
            channelColumn = "i.channel"
            from = "intake i JOIN applicant a ON a.id = i.applicant_id LEFT JOIN location l ON l.id = i.location_id"
            select = """
                ARRAY[i.application_id, i.received_on::text, i.channel, coalesce(l.name, ''),
                      trim(a.family_name || '　' || a.given_name, '　'), trim(a.family_kana || '　' || a.given_kana, '　'), a.birth_date::text,
                      \(age)::text, CASE WHEN i.identity_verified THEN '済' ELSE '' END,
                      (SELECT coalesce(sum(f.amount), 0) FROM fee f WHERE f.intake_id = i.id AND f.status = 'paid')::text]
                """
            extra = ["($4::text IS NULL OR true)", "($5::text IS NULL OR true)"]
        }
        let conditions = ["($1::date IS NULL OR \(day) >= $1::date)", "($2::date IS NULL OR \(day) <= $2::date)",
                          "($3::bigint IS NULL OR \(location) = $3)"] + extra
            + ["($6::text IS NULL OR \(channelColumn) = $6)", "($7::int IS NULL OR \(age) >= $7)", "($8::int IS NULL OR \(age) <= $8)"]
        let order = dataset == .bookings ? "s.starts_at, b.id" : "i.received_on, i.id"
        var query = PostgresQuery(unsafeSQL: count
            ? "SELECT count(*)::bigint FROM \(from) WHERE \(conditions.joined(separator: " AND "))"
            : "SELECT \(select) FROM \(from) WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(order)")
        query.binds.append(self.from?.description)
        query.binds.append(through?.description)
        query.binds.append(locationID)
        query.binds.append(purpose?.rawValue)
        query.binds.append(status?.rawValue)
        query.binds.append(channel)
        query.binds.append(ageMin)
        query.binds.append(ageMax)
        return query
    }

    public func count(on database: Database) async throws -> Int64 {
        try await database.client.first(query(count: true), as: (Int64).self, logger: database.logger) ?? 0
    }

    /// Every matching row, in order, as cells with codes turned into Japanese words. The rows come
    /// from PostgreSQL as a stream with back-pressure: `body` sees one row at a time and nothing
    /// holds the whole result.
    public func rows(on database: Database, _ body: ([String]) async throws -> Void) async throws {
        for try await (cells) in try await database.client.query(query(count: false), logger: database.logger).decode(([String]).self) {
            try await body(label(cells))
        }
    }

    func label(_ cells: [String]) -> [String] {
        var cells = cells
        switch dataset {
        case .bookings:
            cells[4] = BookingPurpose(rawValue: cells[4])?.label ?? cells[4]
            cells[5] = BookingStatus(rawValue: cells[5])?.label ?? cells[5]
            cells[6] = BookingChannel(rawValue: cells[6])?.label ?? cells[6]
        case .intakes:
            cells[2] = IntakeChannel(rawValue: cells[2])?.label ?? cells[2]
        }
        return cells
    }
}
