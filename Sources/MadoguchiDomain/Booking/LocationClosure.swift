import Foundation

/// A day or range of days a location is closed, whatever its rules say.
public struct LocationClosure: Sendable, Equatable {
    public var id: Int64
    public var from: CalendarDate
    public var through: CalendarDate
    public var reason: String

    public init(id: Int64, from: CalendarDate, through: CalendarDate, reason: String) {
        self.id = id
        self.from = from
        self.through = through
        self.reason = reason
    }
}
