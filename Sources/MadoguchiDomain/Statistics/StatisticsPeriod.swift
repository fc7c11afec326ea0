/// How totals are grouped (D1): by day, ISO week (Monday first), month, fiscal year
/// (April-March, as the prefecture's reports use) or calendar year.
public enum StatisticsPeriod: String, CaseIterable, Sendable, Codable {
    case day, week, month
    case fiscalYear = "fiscal-year"
    case year

    public var label: String {
        switch self {
        case .day: "日別"
        case .week: "週別"
        case .month: "月別"
        case .fiscalYear: "年度別"
        case .year: "年別"
        }
    }

    /// The first day of the period `day` falls in.
    public func start(of day: CalendarDate) -> CalendarDate {
        switch self {
        case .day: return day
        case .week: return day.adding(days: -((day.weekday + 6) % 7))!
        case .month: return CalendarDate(year: day.year, month: day.month, day: 1)!
        case .fiscalYear: return CalendarDate(year: day.month >= 4 ? day.year : day.year - 1, month: 4, day: 1)!
        case .year: return CalendarDate(year: day.year, month: 1, day: 1)!
        }
    }

    /// How a period starting on `start` is shown to staff.
    public func label(start: CalendarDate) -> String {
        switch self {
        case .day: return "\(start.month)/\(start.day)（\(["日", "月", "火", "水", "木", "金", "土"][start.weekday])）"
        case .week: return "\(start.month)/\(start.day)週"
        case .month: return "\(start.year)年\(start.month)月"
        case .fiscalYear:
            let reiwa = start.year - 2018
            return reiwa >= 1 ? "令和\(reiwa == 1 ? "元" : String(reiwa))年度" : "\(start.year)年度"
        case .year: return "\(start.year)年"
        }
    }

    /// A compact label for chart axes, where a dozen full labels would overlap.
    public func shortLabel(start: CalendarDate) -> String {
        switch self {
        case .day, .week: "\(start.month)/\(start.day)"
        case .month: String(format: "%02d/%d", start.year % 100, start.month)
        case .fiscalYear: "FY\(start.year)"
        case .year: "\(start.year)"
        }
    }
}
