import Foundation

/// A bookable time window at a location (予約枠), with its two seat pools: web seats for
/// residents online and staff seats for phone and counter bookings.
public struct Slot: Sendable, Equatable {
    public var id: Int64
    public var locationID: Int64
    public var purpose: BookingPurpose
    public var day: CalendarDate
    public var startsAt: Date
    public var endsAt: Date
    public var webCapacity: Int
    public var webBooked: Int
    public var staffCapacity: Int
    public var staffBooked: Int
    public var capacityOverridden: Bool
    public var withdrawn: Bool

    public var webFree: Int { withdrawn ? 0 : max(0, webCapacity - webBooked) }
    /// Staff may also give away the seats residents have not taken.
    public var staffFree: Int { withdrawn ? 0 : max(0, staffCapacity - staffBooked) + webFree }
    public var capacity: Int { webCapacity + staffCapacity }
    public var booked: Int { webBooked + staffBooked }
    public var timeRange: String { JapaneseDate.timeRange(startsAt, endsAt) }
    public var startTime: String { String(timeRange.prefix(5)) }

    public init(id: Int64, locationID: Int64, purpose: BookingPurpose, day: CalendarDate, startsAt: Date, endsAt: Date, webCapacity: Int, webBooked: Int, staffCapacity: Int, staffBooked: Int, capacityOverridden: Bool, withdrawn: Bool) {
        self.id = id
        self.locationID = locationID
        self.purpose = purpose
        self.day = day
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.webCapacity = webCapacity
        self.webBooked = webBooked
        self.staffCapacity = staffCapacity
        self.staffBooked = staffBooked
        self.capacityOverridden = capacityOverridden
        self.withdrawn = withdrawn
    }
}
