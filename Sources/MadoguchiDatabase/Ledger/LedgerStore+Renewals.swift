import Foundation
import MadoguchiDomain
import PostgresNIO

/// The renewal outreach's reading of the ledger (#16): cards in residents' hands whose card or
/// certificate runs out in a window, and how many per month.
extension LedgerStore {
    /// Handed-over cards whose `basis` date falls in `from...through`, soonest first, a page at a time.
    public func expiring(_ basis: RenewalBasis, from: CalendarDate, through: CalendarDate, limit: Int = 500, offset: Int = 0) async throws -> [LedgerEntry] {
        try await entries("e.stage = 'handed-over' AND e.\(basis.column) BETWEEN $1::date AND $2::date", [from.description, through.description],
                          order: "e.\(basis.column), e.id", limit: limit, offset: offset, on: database.client)
    }

    /// How many of those cards run out in each month of the window (`2026-03` → count).
    public func expiringByMonth(_ basis: RenewalBasis, from: CalendarDate, through: CalendarDate) async throws -> [(month: String, count: Int)] {
        try await database.client.all("""
            SELECT to_char(\(unescaped: basis.column), 'YYYY-MM'), count(*)::bigint FROM ledger_entry
            WHERE stage = 'handed-over' AND \(unescaped: basis.column) BETWEEN \(from.description)::date AND \(through.description)::date
            GROUP BY 1 ORDER BY 1
            """, as: (String, Int64).self, logger: logger).map { (month: $0.0, count: Int($0.1)) }
    }
}
