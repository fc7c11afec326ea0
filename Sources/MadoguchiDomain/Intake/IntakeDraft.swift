import Foundation

/// The editable part of an intake record.
public struct IntakeDraft: Sendable, Equatable {
    public var applicationID: String
    public var channel: IntakeChannel
    public var receivedOn: CalendarDate
    public var locationID: Int64?
    public var sessionID: Int64?
    public var identityVerified: Bool
    public var notes: String

    public init(applicationID: String, channel: IntakeChannel, receivedOn: CalendarDate, locationID: Int64?, sessionID: Int64?,
                identityVerified: Bool, notes: String) {
        self.applicationID = applicationID
        self.channel = channel
        self.receivedOn = receivedOn
        self.locationID = locationID
        self.sessionID = sessionID
        self.identityVerified = identityVerified
        self.notes = notes
    }
}
