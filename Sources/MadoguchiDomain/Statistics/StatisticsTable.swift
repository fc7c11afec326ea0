import Foundation

/// One period's figures: named counts in a fixed order per kind of total.
public struct StatisticsRow: Sendable, Equatable {
    public var start: CalendarDate
    public var values: [Int64]

    public init(start: CalendarDate, values: [Int64]) {
        self.start = start
        self.values = values
    }
}

public struct StatisticsTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [StatisticsRow]
    public var totals: [Int64] {
        columns.indices.map { index in rows.reduce(0) { $0 + $1.values[index] } }
    }

    public init(columns: [String], rows: [StatisticsRow]) {
        self.columns = columns
        self.rows = rows
    }
}
