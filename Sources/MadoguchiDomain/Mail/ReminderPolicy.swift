import Foundation

/// When the reminder before a visit goes out (#16): the day before at a set hour (09:00 unless
/// the office says otherwise), a number of hours before, or never. A booking made after its
/// reminder time gets none: its confirmation has just said the same.
public enum ReminderPolicy: Sendable, Equatable {
    case dayBefore(hour: Int)
    case hoursBefore(Int)
    case off

    /// `MADOGUCHI_MAIL_REMINDER`: `day-before` (09:00), `day-before@HH`, `<N>h`, or `off`.
    public init?(setting: String) {
        let text = setting.trimmingCharacters(in: .whitespaces).lowercased()
        switch text {
        case "", "day-before": self = .dayBefore(hour: 9)
        case "off", "none": self = .off
        default:
            if text.hasPrefix("day-before@"), let hour = Int(text.dropFirst("day-before@".count)), (0...23).contains(hour) {
                self = .dayBefore(hour: hour)
            } else if text.hasSuffix("h"), let hours = Int(text.dropLast()), (1...168).contains(hours) {
                self = .hoursBefore(hours)
            } else {
                return nil
            }
        }
    }

    /// The moment the reminder for a visit starting at `startsAt` is due, or nil when none is
    /// sent (policy off, or the moment has passed at `now`).
    public func dueAt(startsAt: Date, now: Date) -> Date? {
        let due: Date
        switch self {
        case .off: return nil
        case .hoursBefore(let hours): due = startsAt.addingTimeInterval(-Double(hours) * 3600)
        case .dayBefore(let hour):
            let calendar = JapaneseDate.calendar
            let dayBefore = calendar.date(byAdding: .day, value: -1, to: calendar.startOfDay(for: startsAt))!
            due = calendar.date(bySettingHour: hour, minute: 0, second: 0, of: dayBefore)!
        }
        return due > now ? due : nil
    }
}
