import Foundation
import MadoguchiDomain

/// Which snapshots to keep: the newest of each of the last `daily` days, of the last `weekly`
/// ISO weeks and of the last `monthly` months (Tokyo dates), and always the newest one. The
/// rest may go. Pure, so that it is tested without a disk.
public struct RetentionPolicy: Sendable, Equatable {
    public var daily: Int
    public var weekly: Int
    public var monthly: Int

    public init(daily: Int = 7, weekly: Int = 4, monthly: Int = 12) {
        self.daily = daily
        self.weekly = weekly
        self.monthly = monthly
    }

    /// The ids to keep among `snapshots` (id, time).
    public func keep(_ snapshots: [(id: String, at: Date)]) -> Set<String> {
        let sorted = snapshots.sorted { $0.at > $1.at }
        var kept: Set<String> = []
        if let newest = sorted.first { kept.insert(newest.id) }
        let calendar = JapaneseDate.calendar
        func bucket(_ limit: Int, _ key: (Date) -> String) {
            var seen: [String] = []
            for snapshot in sorted {
                let k = key(snapshot.at)
                if seen.contains(k) { continue }
                guard seen.count < limit else { break }
                seen.append(k)
                kept.insert(snapshot.id)
            }
        }
        bucket(daily) { CalendarDate($0).description }
        bucket(weekly) { date in
            let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            return "\(c.yearForWeekOfYear ?? 0)-W\(c.weekOfYear ?? 0)"
        }
        bucket(monthly) { date in
            let d = CalendarDate(date)
            return "\(d.year)-\(d.month)"
        }
        return kept
    }
}
