import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Totals for the statistics page (D1), straight from the rows: each is one grouped query over
/// an indexed date column, fast enough on millions of rows (see the statistics benchmark) that no
/// roll-up table has to be kept in step.
public struct StatisticsStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    /// The date each kind is counted on (Tokyo), the measures, and the table and location column
    /// ("" when the kind has no location: it is then counted whatever location is chosen).
    static func definition(_ kind: StatisticsKind) -> (date: String, measures: [(String, String)], from: String, location: String) {
        switch kind {
        case .bookings:
            return ("b.day", [
                ("予約（取消除く）", "count(*) FILTER (WHERE b.status <> 'cancelled')"),
                ("申請", "count(*) FILTER (WHERE b.status <> 'cancelled' AND b.purpose = 'application')"),
                ("交付", "count(*) FILTER (WHERE b.status <> 'cancelled' AND b.purpose = 'pickup')"),
                ("ネット", "count(*) FILTER (WHERE b.status <> 'cancelled' AND b.channel = 'web')"),
                ("電話", "count(*) FILTER (WHERE b.status <> 'cancelled' AND b.channel = 'phone')"),
                ("窓口", "count(*) FILTER (WHERE b.status <> 'cancelled' AND b.channel = 'counter')"),
                ("来庁（消し込み）", "count(*) FILTER (WHERE b.status = 'checked_in')"),
                ("不来庁", "count(*) FILTER (WHERE b.status = 'no_show')"),
                ("取消", "count(*) FILTER (WHERE b.status = 'cancelled')"),
            ], "booking b", "b.location_id")
        case .intakes:
            return ("i.received_on", [
                ("受付", "count(*)"),
                ("窓口申請", "count(*) FILTER (WHERE i.channel = 'counter')"),
                ("出張申請", "count(*) FILTER (WHERE i.channel = 'outreach')"),
                ("勤務地等経由", "count(*) FILTER (WHERE i.channel = 'workplace')"),
                ("申請サポート", "count(*) FILTER (WHERE i.channel = 'support')"),
                ("本人確認済", "count(*) FILTER (WHERE i.identity_verified)"),
            ], "intake i", "i.location_id")
        case .fees:
            return ("(f.paid_at AT TIME ZONE 'Asia/Tokyo')::date", [
                // Counted on the day the money came in (refunds belong to the daily cash report,
                // which counts them on the day they are paid back).
                ("収納件数", "count(*) FILTER (WHERE f.status IN ('paid', 'refunded'))"),
                ("収納額（円）", "coalesce(sum(f.amount) FILTER (WHERE f.status IN ('paid', 'refunded')), 0)"),
            ], "fee f", "f.location_id")
        case .documents:
            return ("(d.uploaded_at AT TIME ZONE 'Asia/Tokyo')::date", [
                ("書類", "count(*)"),
                ("ページ", "coalesce(sum(d.page_count), 0)"),
            ], "document d", "")
        case .ledger:
            // Cards entering each stage on the day it happened (C6): registration by import or QR
            // counts as delivery; imports of an existing ledger set stages without counting as moves.
            return ("(ev.at AT TIME ZONE 'Asia/Tokyo')::date", [
                ("納品", "count(*) FILTER (WHERE ev.kind = 'created')"),
                ("検品", "count(*) FILTER (WHERE ev.kind = 'stage' AND ev.to_stage = 'inspected')"),
                ("初期設定", "count(*) FILTER (WHERE ev.kind = 'stage' AND ev.to_stage = 'prepared')"),
                ("交付通知", "count(*) FILTER (WHERE ev.kind = 'stage' AND ev.to_stage = 'notified')"),
                ("交付", "count(*) FILTER (WHERE ev.kind = 'stage' AND ev.to_stage = 'handed-over')"),
                ("保留", "count(*) FILTER (WHERE ev.kind = 'stage' AND ev.to_stage = 'on-hold')"),
                ("返送", "count(*) FILTER (WHERE ev.kind = 'stage' AND ev.to_stage = 'returned')"),
                ("廃棄", "count(*) FILTER (WHERE ev.kind = 'stage' AND ev.to_stage = 'disposed')"),
            ], "ledger_event ev", "")
        }
    }

    /// Totals of `kind` per `period` from `from` through `through`, for one location or all.
    public func totals(_ kind: StatisticsKind, period: StatisticsPeriod, from: CalendarDate, through: CalendarDate,
                       locationID: Int64?) async throws -> StatisticsTable {
        let (date, measures, table, location) = Self.definition(kind)
        let select = measures.map { "(\($0.1))::bigint" }.joined(separator: ", ")
        // Grouped by day in SQL (a cheap key), then summed into periods here: the period
        // arithmetic runs once per day instead of once per row.
        var query = PostgresQuery(unsafeSQL: """
            SELECT (\(date))::text AS d, ARRAY[\(select)] FROM \(table)
            WHERE \(date) BETWEEN $1::date AND $2::date AND ($3::bigint IS NULL OR \(location.isEmpty ? "true" : "\(location) = $3"))
            GROUP BY 1
            """)
        query.binds.append(from.description)
        query.binds.append(through.description)
        query.binds.append(locationID)
        var sums: [CalendarDate: [Int64]] = [:]
        for (day, values) in try await database.client.all(query, as: (String, [Int64]).self, logger: logger) {
            guard let date = CalendarDate(day) else { continue }
            let start = period.start(of: date)
            sums[start] = zip(sums[start] ?? Array(repeating: 0, count: values.count), values).map { $0 + $1 }
        }
        let rows = sums.keys.sorted().map { StatisticsRow(start: $0, values: sums[$0]!) }
        return StatisticsTable(columns: measures.map(\.0), rows: rows)
    }

    /// Bookings of the range per location, for the comparison table.
    public func bookingsByLocation(from: CalendarDate, through: CalendarDate) async throws -> [(String, Int64, Int64, Int64)] {
        try await database.client.all("""
            SELECT l.name, count(*) FILTER (WHERE b.status <> 'cancelled')::bigint, count(*) FILTER (WHERE b.status = 'checked_in')::bigint,
                   count(*) FILTER (WHERE b.status = 'no_show')::bigint
            FROM booking b JOIN location l ON l.id = b.location_id
            WHERE b.day BETWEEN \(from.description)::date AND \(through.description)::date
            GROUP BY l.name, l.sort_order ORDER BY l.sort_order, l.name
            """, as: (String, Int64, Int64, Int64).self, logger: logger)
    }
}
