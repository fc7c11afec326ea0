import Foundation

public struct BookingFeedEvent: Sendable, Codable, Equatable {
    public var id: Int64
    public var location: Int64
    public var day: String
    public var kind: String
    public var booking: Int64

    public init(id: Int64, location: Int64, day: String, kind: String, booking: Int64) {
        self.id = id
        self.location = location
        self.day = day
        self.kind = kind
        self.booking = booking
    }
}
