import Foundation

/// Turns a location's rules and closures into the slots of a range of days.
///
/// Closed unless opened explicitly: weekly rules never apply on a public holiday or in the
/// year-end closure (OfficeCalendar); an extra opening rule does. A location closure closes the
/// day whatever the rules say.
public struct SlotPlanner: Sendable {
    public struct Closure: Sendable, Equatable {
        public var from: CalendarDate
        public var through: CalendarDate
        public init(from: CalendarDate, through: CalendarDate) {
            self.from = from
            self.through = through
        }
    }

    public struct PlannedSlot: Sendable, Equatable, Hashable {
        public var purpose: BookingPurpose
        public var day: CalendarDate
        public var startMinute: Int
        public var endMinute: Int
        public var webCapacity: Int
        public var staffCapacity: Int

        public var startsAt: Date { SlotPlanner.instant(day, startMinute) }
        public var endsAt: Date { SlotPlanner.instant(day, endMinute) }
    }

    public var rules: [SlotRule]
    public var closures: [Closure]

    public init(rules: [SlotRule], closures: [Closure]) {
        self.rules = rules
        self.closures = closures
    }

    /// The slots from `from` through `through`, in time order. Two rules giving the same start
    /// for the same purpose add their seats (a second counter opened for the afternoon rush).
    public func plan(from: CalendarDate, through: CalendarDate) -> [PlannedSlot] {
        var closedByCalendar: [Int: Set<CalendarDate>] = [:]
        var slots: [String: PlannedSlot] = [:]
        var day = from
        while day <= through {
            defer { day = day.adding(days: 1)! }
            if closures.contains(where: { $0.from <= day && day <= $0.through }) { continue }
            let closedDays = closedByCalendar[day.year] ?? Set(OfficeCalendar.closedDays(in: day.year).map(\.date))
            closedByCalendar[day.year] = closedDays
            let calendarClosed = closedDays.contains(day)
            for rule in rules where rule.applies(on: day) && (rule.onClosedDays || !calendarClosed) {
                var start = rule.startMinute
                while start + rule.slotMinutes <= rule.endMinute {
                    let key = "\(rule.purpose.rawValue) \(day) \(start)"
                    if var existing = slots[key] {
                        existing.webCapacity += rule.webCapacity
                        existing.staffCapacity += rule.staffCapacity
                        existing.endMinute = max(existing.endMinute, start + rule.slotMinutes)
                        slots[key] = existing
                    } else {
                        slots[key] = PlannedSlot(purpose: rule.purpose, day: day, startMinute: start, endMinute: start + rule.slotMinutes,
                                                 webCapacity: rule.webCapacity, staffCapacity: rule.staffCapacity)
                    }
                    start += rule.slotMinutes
                }
            }
        }
        return slots.values.sorted { ($0.day, $0.startMinute, $0.purpose.rawValue) < ($1.day, $1.startMinute, $1.purpose.rawValue) }
    }

    /// The instant of `minute` after midnight of `day` in Tokyo (no daylight saving there).
    public static func instant(_ day: CalendarDate, _ minute: Int) -> Date {
        var components = DateComponents()
        components.year = day.year
        components.month = day.month
        components.day = day.day
        components.minute = minute
        return JapaneseDate.calendar.date(from: components)!
    }
}
