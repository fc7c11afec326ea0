import Foundation

public struct IntakeSession: Sendable, Equatable {
    public var id: Int64
    public var channel: IntakeChannel
    public var heldOn: String
    public var place: String
    public var organisation: String
    public var intakeCount: Int

    public var label: String { "\(heldOn) \(place)\(organisation.isEmpty ? "" : "（\(organisation)）")" }

    public init(id: Int64, channel: IntakeChannel, heldOn: String, place: String, organisation: String, intakeCount: Int) {
        self.id = id
        self.channel = channel
        self.heldOn = heldOn
        self.place = place
        self.organisation = organisation
        self.intakeCount = intakeCount
    }
}
