/// The days the city's counters are closed regardless of slot rules: public holidays and the
/// year-end closure (12/29-1/3). Weekends are closed by the weekly slot rules instead, and any
/// closed day can still be opened explicitly (an extra opening) by the booking configuration.
public enum OfficeCalendar {
    public static let yearEndClosureName = "年末年始休業"

    /// Every closed day of `year`, in date order; a holiday inside the closure keeps its own name.
    /// With `weekends`, Saturdays and Sundays are listed too.
    public static func closedDays(in year: Int, weekends: Bool = false) -> [JapaneseHolidays.Holiday] {
        var days: [CalendarDate: String] = [:]
        for holiday in JapaneseHolidays.holidays(in: year) { days[holiday.date] = holiday.name }
        for (month, day) in [(1, 2), (1, 3), (12, 29), (12, 30), (12, 31), (1, 1)] {
            let date = CalendarDate(year: year, month: month, day: day)!
            if days[date] == nil { days[date] = yearEndClosureName }
        }
        if weekends {
            var date = CalendarDate(year: year, month: 1, day: 1)!
            while date.year == year {
                if days[date] == nil, date.weekday == 0 || date.weekday == 6 { days[date] = date.weekday == 0 ? "日曜日" : "土曜日" }
                date = date.adding(days: 1)!
            }
        }
        return days.map { JapaneseHolidays.Holiday(date: $0.key, name: $0.value) }.sorted { $0.date < $1.date }
    }

    public static func isClosed(_ date: CalendarDate) -> Bool {
        closedDays(in: date.year).contains { $0.date == date }
    }
}
