import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiReports

/// Totals by day, week, month, fiscal and calendar year (D1) and multi-condition extracts as CSV
/// (D2). Previews and exports are audited: an extract is a list of people.
public struct StatisticsDesk: Sendable {
    let statistics: StatisticsStore
    let slots: SlotStore
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource

    public func locations() async throws -> [Location] { try await slots.locations() }

    /// Every kind of total for the range, grouped by `period`.
    public func totals(period: StatisticsPeriod, from: CalendarDate, through: CalendarDate, locationID: Int64?) async throws
        -> [(kind: StatisticsKind, table: StatisticsTable)] {
        var tables: [(StatisticsKind, StatisticsTable)] = []
        for kind in StatisticsKind.allCases {
            tables.append((kind, try await statistics.totals(kind, period: period, from: from, through: through, locationID: locationID)))
        }
        return tables
    }

    /// Bookings per location in the range: name, booked, checked in, no-shows.
    public func bookingsByLocation(from: CalendarDate, through: CalendarDate) async throws -> [(String, Int64, Int64, Int64)] {
        try await statistics.bookingsByLocation(from: from, through: through)
    }

    /// How many rows an extract has, and (for CP932) the characters it could not hold (audited).
    public func preview(_ extract: Extract, encoding: TextEncoding, caller: Caller) async throws -> (count: Int64, unencodable: [UnencodableCharacter]) {
        let count = try await extract.count(on: database)
        let lost = encoding == .cp932 ? try await table(extract).unencodable() : []
        try await audit.record(caller, "export.preview", recordType: "extract", detail: extract.summary + " count=\(count)")
        return (count, lost)
    }

    /// The extract as a CSV download, checked for CP932 and audited.
    public func export(_ extract: Extract, encoding: TextEncoding, substitute: Bool, caller: Caller) async throws -> TableExport {
        let export = try await table(extract).checked(encoding: encoding, substitute: substitute)
        try await audit.record(caller, "\(extract.dataset.rawValue).export", recordType: "extract", detail: extract.summary + " encoding=\(encoding.rawValue)")
        return export
    }

    func table(_ extract: Extract) -> TableExport {
        let database = database
        let stamp = CalendarDate(clock.now()).description.replacingOccurrences(of: "-", with: "")
        return TableExport(filename: "\(extract.dataset.rawValue)-\(stamp).csv", columns: extract.columns) { emit in
            try await extract.rows(on: database) { cells in try await emit(cells) }
        }
    }
}
