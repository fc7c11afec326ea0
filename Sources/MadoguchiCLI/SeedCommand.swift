import ArgumentParser
import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiServices

/// `madoguchi seed bookings --count N --years Y`: realistic volume for trying the statistics and
/// measuring them (D1 speed). Generated inside PostgreSQL in batches with progress; the rows are
/// marked (codes start with Z, which real codes never contain) so they can be told apart.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Generate past bookings for volume tests (never on a production database).",
        discussion: """
            Creates slots on weekdays 9:00-17:00 (30 minutes) at the active locations over the past Y years, then N bookings
            spread over them: half applications and half pickups, 80 % checked in, 10 % no-shows, 10 % cancelled,
            80 % booked online, the rest by phone or at the counter. Booking codes start with Z. Refuses to run unless --i-understand-this-adds-fake-data is given.
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "What to generate: bookings.") var what: String
    @Option(help: "How many bookings.") var count = 1_000_000
    @Option(help: "Over how many past years.") var years = 5
    @Flag(name: .customLong("i-understand-this-adds-fake-data")) var confirmed = false

    func validate() throws {
        guard what == "bookings" else { throw ValidationError("only `seed bookings` exists") }
        guard (1...20_000_000).contains(count), (1...20).contains(years) else { throw ValidationError("--count 1-20000000, --years 1-20") }
        guard confirmed else { throw ValidationError("add --i-understand-this-adds-fake-data: this writes fake bookings into the database") }
    }

    func run() async throws {
        MadoguchiCommand.bootstrapLogging(defaultLevel: .warning)
        let (count, years) = (count, years)
        let started = Date()
        let keyring = try database.secrets().auditKeys
        // Generating history switches a trigger off and vacuums: work for the owner role.
        try await database.withDatabase(logger: Logger(label: "madoguchi.seed"), role: .owner) { db in
            let logger = db.logger
            if try await SlotStore(database: db).locations().isEmpty { _ = try await FirstStart.ensureDemoLocations(db) }
            let today = CalendarDate(Date())
            let first = CalendarDate(year: today.year - years, month: today.month, day: 1)!
            let last = today.adding(days: -1)!
            try await db.client.execute("""
                INSERT INTO slot (location_id, purpose, day, starts_at, ends_at, web_capacity, staff_capacity)
                SELECT l.id, CASE WHEN k % 2 = 0 THEN 'application' ELSE 'pickup' END, d::date,
                       (d::date + time '09:00' + k * interval '30 minutes') AT TIME ZONE 'Asia/Tokyo',
                       (d::date + time '09:30' + k * interval '30 minutes') AT TIME ZONE 'Asia/Tokyo', 200, 60
                FROM generate_series(\(first.description)::date, \(last.description)::date, interval '1 day') d
                CROSS JOIN generate_series(0, 15) k CROSS JOIN location l
                WHERE l.active AND extract(isodow FROM d) < 6
                ON CONFLICT (location_id, purpose, starts_at) DO NOTHING
                """, logger: logger)
            let slots = try await db.client.first("""
                SELECT count(*)::int FROM slot WHERE day BETWEEN \(first.description)::date AND \(last.description)::date
                """, as: (Int).self, logger: logger) ?? 0
            print("\(slots) slots from \(first) to \(last)")
            let newest: Int64? = try await db.client.first("SELECT coalesce(max(id), 0) FROM booking", as: (Int64).self, logger: logger)
            let offset = newest ?? 0
            let batch = 100_000
            var done = 0
            while done < count {
                let size = min(batch, count - done)
                try await db.transaction { connection in
                    // Generated rows are history: the live-update trigger has nothing to announce.
                    try await connection.execute("ALTER TABLE booking DISABLE TRIGGER booking_announce", logger: logger)
                    try await connection.execute("""
                        WITH ids AS (SELECT array_agg(id ORDER BY id) AS a, count(*) AS n FROM slot
                                     WHERE day BETWEEN \(first.description)::date AND \(last.description)::date)
                        INSERT INTO booking (code, slot_id, seat, channel, status, family_name, given_name, family_kana, given_kana, birth_date,
                                             phone, created_at, checked_in_at, cancelled_at, cancelled_by)
                        SELECT 'Z' || upper(lpad(to_hex(\(offset) + g), 9, '0')),
                               ids.a[1 + ((g * 7919) % ids.n)],
                               CASE WHEN g % 5 = 0 THEN 'staff' ELSE 'web' END,
                               CASE WHEN g % 5 = 0 THEN (CASE WHEN g % 10 = 0 THEN 'counter' ELSE 'phone' END) ELSE 'web' END,
                               CASE WHEN g % 10 = 3 THEN 'cancelled' WHEN g % 10 = 7 THEN 'no_show' ELSE 'checked_in' END,
                               '統計', (g % 1000)::text, 'トウケイ', (ARRAY['タロウ','ハナコ','イチロウ','ユキ','ケンジ','ミサキ','ショウ','アイ'])[1 + g % 8],
                               date '1940-01-01' + ((g * 37) % 25000)::int, '090' || lpad(((\(offset) + g) % 100000000)::text, 8, '0'),
                               now() - interval '30 days', NULL, NULL, NULL
                        FROM generate_series(\(done + 1), \(done + size)) g, ids
                        """, logger: logger)
                    try await connection.execute("ALTER TABLE booking ENABLE TRIGGER booking_announce", logger: logger)
                }
                done += size
                FileHandle.standardError.write(Data("  \(done)/\(count) bookings…\n".utf8))
            }
            print("bringing seat counters in line with the rows")
            try await db.client.execute("""
                UPDATE slot s SET web_booked = c.web, staff_booked = c.staff
                FROM (SELECT slot_id, count(*) FILTER (WHERE seat = 'web' AND status <> 'cancelled')::int AS web,
                             count(*) FILTER (WHERE seat = 'staff' AND status <> 'cancelled')::int AS staff
                      FROM booking GROUP BY slot_id) c
                WHERE c.slot_id = s.id
                """, logger: logger)
            // Fresh statistics and visibility map, as autovacuum would give a database that grew slowly.
            try await db.client.execute("VACUUM (ANALYZE) booking", logger: logger)
            try await db.client.execute("VACUUM (ANALYZE) slot", logger: logger)
            try await AuditLog(database: db, keyring: keyring).record(AuditEvent(actorUserID: nil, actorLogin: "cli:\(NSUserName())", action: "seed.bookings",
                                                               recordType: "booking", sourceAddress: "cli", detail: "count=\(count) years=\(years)"))
        }
        print("\(count) bookings generated in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}
