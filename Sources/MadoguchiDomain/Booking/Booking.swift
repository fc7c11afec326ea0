import Foundation

/// A resident's reserved office visit (来庁予約), with the slot facts it is read with.
public struct Booking: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var slotID: Int64
    public var locationID: Int64
    public var locationName: String
    public var purpose: BookingPurpose
    public var day: CalendarDate
    public var startsAt: Date
    public var endsAt: Date
    /// `web` or `staff`: which of the slot's seat pools the booking holds.
    public var seat: String
    public var channel: BookingChannel
    public var status: BookingStatus
    public var input: BookingInput
    public var language: BookingLanguage
    public var duplicateOverride: Bool
    public var applicantID: Int64?
    public var createdAt: Date
    public var createdBy: String?
    public var checkedInAt: Date?
    public var cancelledAt: Date?
    public var version: Int

    public var displayCode: String { BookingCode.display(code) }
    public var timeRange: String { JapaneseDate.timeRange(startsAt, endsAt) }
    public func isOpen(at now: Date) -> Bool { status == .booked && endsAt > now }

    public init(id: Int64, code: String, slotID: Int64, locationID: Int64, locationName: String, purpose: BookingPurpose, day: CalendarDate, startsAt: Date, endsAt: Date, seat: String, channel: BookingChannel, status: BookingStatus, input: BookingInput, language: BookingLanguage, duplicateOverride: Bool, applicantID: Int64? = nil, createdAt: Date, createdBy: String? = nil, checkedInAt: Date? = nil, cancelledAt: Date? = nil, version: Int) {
        self.id = id
        self.code = code
        self.slotID = slotID
        self.locationID = locationID
        self.locationName = locationName
        self.purpose = purpose
        self.day = day
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.seat = seat
        self.channel = channel
        self.status = status
        self.input = input
        self.language = language
        self.duplicateOverride = duplicateOverride
        self.applicantID = applicantID
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.checkedInAt = checkedInAt
        self.cancelledAt = cancelledAt
        self.version = version
    }
}
