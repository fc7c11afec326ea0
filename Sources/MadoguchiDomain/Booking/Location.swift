import Foundation

/// A place with counters (庁舎・窓口) and its online booking window.
public struct Location: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var address: String
    public var guidance: String
    /// Residents can book from today up to this many days ahead…
    public var opensDays: Int
    /// …and until this many hours before the slot starts.
    public var closesHours: Int

    public var window: BookingWindow { BookingWindow(opensDays: opensDays, closesHours: closesHours) }
    /// The last day residents may book today.
    public func lastBookableDay(now: Date) -> CalendarDate { window.lastBookableDay(now: now) }
    /// Whether a slot starting at `startsAt` is inside the online booking window at `now`.
    public func acceptsOnline(startsAt: Date, day: CalendarDate, now: Date) -> Bool {
        window.accepts(startsAt: startsAt, day: day, now: now)
    }

    public init(id: Int64, name: String, address: String, guidance: String, opensDays: Int, closesHours: Int) {
        self.id = id
        self.name = name
        self.address = address
        self.guidance = guidance
        self.opensDays = opensDays
        self.closesHours = closesHours
    }
}
