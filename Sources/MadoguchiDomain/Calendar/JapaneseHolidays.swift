/// Public holidays of Japan under the National Holidays Act (国民の祝日に関する法律), computed
/// for 2000-2099: fixed days, Happy Monday days, the equinoxes by the standard formula,
/// substitute holidays (振替休日), the citizens' holiday between two holidays (国民の休日), and
/// the one-off days of the 2019 accession and the 2020/2021 Olympic moves.
public enum JapaneseHolidays {
    public struct Holiday: Hashable, Sendable {
        public let date: CalendarDate
        public let name: String
    }

    public static let supportedYears = 2000...2099

    /// Every holiday of `year`, in date order.
    public static func holidays(in year: Int) -> [Holiday] {
        precondition(supportedYears.contains(year), "holidays are computed for 2000-2099")
        var named: [CalendarDate: String] = [:]
        func add(_ month: Int, _ day: Int, _ name: String) { named[CalendarDate(year: year, month: month, day: day)!] = name }
        func monday(_ month: Int, _ nth: Int) -> Int {
            let first = weekday(year: year, month: month, day: 1)  // 0 Sunday … 6 Saturday
            return 1 + (8 - first) % 7 + (nth - 1) * 7
        }

        add(1, 1, "元日")
        add(1, monday(1, 2), "成人の日")
        add(2, 11, "建国記念の日")
        if year >= 2020 { add(2, 23, "天皇誕生日") }
        add(3, vernalEquinox(year), "春分の日")
        add(4, 29, year >= 2007 ? "昭和の日" : "みどりの日")
        add(5, 3, "憲法記念日")
        if year >= 2007 { add(5, 4, "みどりの日") }
        add(5, 5, "こどもの日")
        switch year {
        case 2020: add(7, 23, "海の日"); add(7, 24, "スポーツの日"); add(8, 10, "山の日")
        case 2021: add(7, 22, "海の日"); add(7, 23, "スポーツの日"); add(8, 8, "山の日")
        default:
            add(7, year >= 2003 ? monday(7, 3) : 20, "海の日")
            if year >= 2016 { add(8, 11, "山の日") }
            add(10, monday(10, 2), year >= 2020 ? "スポーツの日" : "体育の日")
        }
        add(9, year >= 2003 ? monday(9, 3) : 15, "敬老の日")
        add(9, autumnalEquinox(year), "秋分の日")
        add(11, 3, "文化の日")
        add(11, 23, "勤労感謝の日")
        if year <= 2018 { add(12, 23, "天皇誕生日") }
        if year == 2019 {
            add(5, 1, "天皇の即位の日")
            add(10, 22, "即位礼正殿の儀の行われる日")
        }

        let nationalHolidays = named
        // 国民の休日: a day between two national holidays. Before 2007 a Sunday did not count.
        for date in nationalHolidays.keys {
            guard let between = date.adding(days: 1), let after = date.adding(days: 2) else { continue }
            if nationalHolidays[between] == nil, nationalHolidays[after] != nil, between.year == year,
               year >= 2007 || between.weekday != 0 {
                named[between] = "国民の休日"
            }
        }
        // 振替休日: a national holiday on a Sunday moves the rest to the next day that is not a
        // holiday (since 2007; before, only to the Monday).
        for date in nationalHolidays.keys.sorted() where date.weekday == 0 {
            var next = date.adding(days: 1)!
            if year >= 2007 {
                while named[next] != nil { next = next.adding(days: 1)! }
            } else if named[next] != nil {
                continue
            }
            if next.year == year { named[next] = "振替休日" }
        }
        return named.map { Holiday(date: $0.key, name: $0.value) }.sorted { $0.date < $1.date }
    }

    /// Day of March of the vernal equinox (standard formula, valid 1980-2099).
    public static func vernalEquinox(_ year: Int) -> Int {
        Int(20.8431 + 0.242194 * Double(year - 1980)) - (year - 1980) / 4
    }

    /// Day of September of the autumnal equinox (standard formula, valid 1980-2099).
    public static func autumnalEquinox(_ year: Int) -> Int {
        Int(23.2488 + 0.242194 * Double(year - 1980)) - (year - 1980) / 4
    }

    /// Day of the week by Zeller's congruence: 0 Sunday … 6 Saturday.
    static func weekday(year: Int, month: Int, day: Int) -> Int {
        let (y, m) = month < 3 ? (year - 1, month + 12) : (year, month)
        let h = (day + (13 * (m + 1)) / 5 + y + y / 4 - y / 100 + y / 400) % 7  // 0 Saturday
        return (h + 6) % 7
    }
}

extension CalendarDate {
    /// 0 Sunday … 6 Saturday.
    public var weekday: Int { JapaneseHolidays.weekday(year: year, month: month, day: day) }

    /// The date `days` later (or earlier, when negative).
    public func adding(days: Int) -> CalendarDate? {
        var (y, m, d) = (year, month, day + days)
        while d > CalendarDate.daysIn(month: m, year: y) {
            d -= CalendarDate.daysIn(month: m, year: y)
            m += 1
            if m > 12 { m = 1; y += 1 }
        }
        while d < 1 {
            m -= 1
            if m < 1 { m = 12; y -= 1 }
            d += CalendarDate.daysIn(month: m, year: y)
        }
        return CalendarDate(year: y, month: m, day: d)
    }
}
