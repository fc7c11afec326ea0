import Foundation

/// Date formatting the way Japanese municipal staff read it: Western and 和暦 (Reiwa etc.), in
/// Asia/Tokyo regardless of the server's zone.
public enum JapaneseDate {
    public static let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    public static var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = tokyo
        return c
    }

    /// `2026-11-29 14:05` in Tokyo time.
    public static func dateTime(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// `09:00〜09:30` in Tokyo time: a slot's or a booking's time.
    public static func timeRange(_ start: Date, _ end: Date) -> String {
        let c = calendar
        func hm(_ d: Date) -> String { String(format: "%02d:%02d", c.component(.hour, from: d), c.component(.minute, from: d)) }
        return "\(hm(start))〜\(hm(end))"
    }

    /// `令和8年11月29日` — eras from Meiji 6 (when the Gregorian calendar was adopted) on.
    public static func wareki(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return wareki(year: c.year!, month: c.month!, day: c.day!)
    }

    public static func wareki(year: Int, month: Int, day: Int) -> String {
        let key = year * 10000 + month * 100 + day
        let eras: [(start: Int, name: String, firstYear: Int)] = [
            (20190501, "令和", 2019), (19890108, "平成", 1989), (19261225, "昭和", 1926),
            (19120730, "大正", 1912), (18680125, "明治", 1868),
        ]
        for era in eras where key >= era.start {
            let n = year - era.firstYear + 1
            return "\(era.name)\(n == 1 ? "元" : String(n))年\(month)月\(day)日"
        }
        return "\(year)年\(month)月\(day)日"
    }
}
