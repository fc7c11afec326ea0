import Foundation

public struct MaintenanceWindow: Sendable, Equatable {
    public var id: Int64
    public var startsAt: Date
    public var endsAt: Date
    public var announceDays: Int
    public var message: String

    public func isActive(at now: Date) -> Bool { startsAt <= now && now < endsAt }
    public func isAnnounced(at now: Date) -> Bool {
        now < startsAt && startsAt.timeIntervalSince(now) <= Double(announceDays) * 86_400
    }

    public init(id: Int64, startsAt: Date, endsAt: Date, announceDays: Int, message: String) {
        self.id = id
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.announceDays = announceDays
        self.message = message
    }
}
