import Foundation

/// When the staff site may be used (F2): 06:30-23:00 Tokyo time, closed on the day after the
/// third Saturday of each month (system maintenance) and from 29 December to 3 January.
/// Everything is configurable; the resident site is not affected.
public struct StaffHours: Sendable, Equatable {
    /// Minutes after midnight, Tokyo time.
    public var opensAt: Int
    public var closesAt: Int
    public var closedAfterThirdSaturday: Bool
    public var yearEndClosure: Bool

    public init(opensAt: Int = 6 * 60 + 30, closesAt: Int = 23 * 60, closedAfterThirdSaturday: Bool = true, yearEndClosure: Bool = true) {
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.closedAfterThirdSaturday = closedAfterThirdSaturday
        self.yearEndClosure = yearEndClosure
    }

    /// Parses `HH:MM-HH:MM`.
    public static func window(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0) } }
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && (0...24).contains($0[0]) && (0..<60).contains($0[1]) }) else { return nil }
        let (open, close) = (parts[0][0] * 60 + parts[0][1], parts[1][0] * 60 + parts[1][1])
        return open < close && close <= 24 * 60 ? (open, close) : nil
    }

    public func isOpen(at date: Date) -> Bool {
        let c = JapaneseDate.calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
        let minute = c.hour! * 60 + c.minute!
        return minute >= opensAt && minute < closesAt && !isClosedDay(day)
    }

    public func isClosedDay(_ day: CalendarDate) -> Bool {
        if yearEndClosure, (day.month == 12 && day.day >= 29) || (day.month == 1 && day.day <= 3) { return true }
        // The third Saturday is the one on the 15th to 21st; the day after it is a Sunday.
        if closedAfterThirdSaturday, let saturday = day.adding(days: -1), saturday.weekday == 6, (15...21).contains(saturday.day) {
            return true
        }
        return false
    }

    /// For the closed page: 「6:30〜23:00」.
    public var hoursLabel: String {
        String(format: "%d:%02d〜%d:%02d", opensAt / 60, opensAt % 60, closesAt / 60, closesAt % 60)
    }
}
