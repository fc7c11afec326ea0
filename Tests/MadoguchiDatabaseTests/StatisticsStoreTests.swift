import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiTestSupport
import PostgresNIO
import Testing

@Suite("Statistics totals against hand-counted figures (D1)")
struct StatisticsStoreTests {
    /// Bookings on fixed days: (day, purpose, channel, status) — counted by hand below.
    static let rows: [(String, String, String, String)] = [
        ("2026-03-30", "application", "web", "checked_in"),   // Mon, FY2025, week of 3/30, March
        ("2026-03-31", "pickup", "phone", "no_show"),          // Tue, FY2025, same week
        ("2026-04-01", "application", "web", "cancelled"),     // Wed, FY2026, same week, April
        ("2026-04-01", "application", "counter", "checked_in"),
        ("2026-04-05", "pickup", "web", "booked"),             // Sun, still the week of 3/30
        ("2026-04-06", "application", "web", "checked_in"),    // Mon, next week
    ]

    func seed(_ db: Database) async throws -> Int64 {
        try await db.transaction { connection in
            let location = try await connection.first("INSERT INTO location (name) VALUES ('集計テスト') RETURNING id", as: (Int64).self,
                                                      logger: db.logger)!
            for (n, row) in Self.rows.enumerated() {
                let slot = try await connection.first("""
                    INSERT INTO slot (location_id, purpose, day, starts_at, ends_at, web_capacity, staff_capacity)
                    VALUES (\(location), \(row.1), \(row.0)::date, (\(row.0)::date + time '09:00' + \(n) * interval '1 minute') AT TIME ZONE 'Asia/Tokyo',
                            (\(row.0)::date + time '09:30' + \(n) * interval '1 minute') AT TIME ZONE 'Asia/Tokyo', 10, 10)
                    RETURNING id
                    """, as: (Int64).self, logger: db.logger)!
                try await connection.execute("""
                    INSERT INTO booking (code, slot_id, seat, channel, status, family_name, family_kana, birth_date, phone)
                    VALUES (\("T00000000" + String(n)), \(slot), \(row.2 == "web" ? "web" : "staff"), \(row.2), \(row.3), '集計', 'シュウケイ',
                            '1980-01-01', '0420000000')
                    """, logger: db.logger)
            }
            return location
        }
    }

    @Test("month, ISO week, fiscal year and day totals equal the hand count")
    func totals() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let location = try await seed(db)
            let store = StatisticsStore(database: db)
            let (from, to) = (CalendarDate("2026-03-01")!, CalendarDate("2026-04-30")!)
            // act
            let month = try await store.totals(.bookings, period: .month, from: from, through: to, locationID: nil)
            let week = try await store.totals(.bookings, period: .week, from: from, through: to, locationID: location)
            let fiscal = try await store.totals(.bookings, period: .fiscalYear, from: from, through: to, locationID: nil)
            let day = try await store.totals(.bookings, period: .day, from: from, through: to, locationID: nil)
            let other = try await store.totals(.bookings, period: .month, from: from, through: to, locationID: location + 1)
            // check: columns are booked (not cancelled), application, pickup, web, phone, counter, checked in, no-show, cancelled
            #expect(month.rows.map(\.start.description) == ["2026-03-01", "2026-04-01"])
            #expect(month.rows[0].values == [2, 1, 1, 1, 1, 0, 1, 1, 0])
            #expect(month.rows[1].values == [3, 2, 1, 2, 0, 1, 2, 0, 1])
            #expect(week.rows.map(\.start.description) == ["2026-03-30", "2026-04-06"])
            #expect(week.rows.map { $0.values[0] } == [4, 1])
            #expect(fiscal.rows.map(\.start.description) == ["2025-04-01", "2026-04-01"])
            #expect(fiscal.rows.map { $0.values[0] } == [2, 3])
            #expect(day.rows.count == 5)
            #expect(day.totals == month.totals)
            #expect(other.rows.isEmpty)
            #expect(StatisticsPeriod.fiscalYear.label(start: CalendarDate("2026-04-01")!) == "令和8年度")
            #expect(StatisticsPeriod.week.start(of: CalendarDate("2026-04-05")!).description == "2026-03-30")
        }
    }

    @Test("an extract counts and streams the same rows, with conditions combined")
    func extract() async throws {
        try await TestDatabases.shared.withDatabase { db in
            _ = try await seed(db)
            var query = Extract(dataset: .bookings, from: CalendarDate("2026-04-01"), through: CalendarDate("2026-04-30"))
            #expect(try await query.count(on: db) == 4)
            query.purpose = .application
            query.status = .checkedIn
            #expect(try await query.count(on: db) == 2)
            var rows: [[String]] = []
            try await query.rows(on: db) { rows.append($0) }
            #expect(rows.count == 2)
            #expect(rows[0][4] == "申請" && rows[0][5] == "来庁済")
            #expect(rows[0][10] == "46", "age on the visit day")
            query.ageMin = 47
            #expect(try await query.count(on: db) == 0)
        }
    }
}
