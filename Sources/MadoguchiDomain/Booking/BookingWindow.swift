import Foundation

/// When residents may book a slot online (A7): from today up to `opensDays` days ahead, and no
/// later than `closesHours` hours before it starts. The one statement of the rule: the calendar,
/// the availability API and the booking transaction all ask it.
public struct BookingWindow: Sendable, Equatable {
    public var opensDays: Int
    public var closesHours: Int

    public init(opensDays: Int, closesHours: Int) {
        self.opensDays = opensDays
        self.closesHours = closesHours
    }

    public func lastBookableDay(now: Date) -> CalendarDate { CalendarDate(now).adding(days: opensDays)! }

    public func accepts(startsAt: Date, day: CalendarDate, now: Date) -> Bool {
        startsAt.timeIntervalSince(now) >= Double(closesHours) * 3600 && day <= lastBookableDay(now: now)
    }

    /// The settings staff may give a location, with the page's and the API's one set of limits.
    public static let opensDaysRange = 1...365
    public static let closesHoursRange = 0...720
}
