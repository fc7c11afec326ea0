import Foundation

public struct StorageCabinet: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var name: String
    public var locationName: String?
    public var drawers: Int
    public var slots: Int
    public var capacity: Int
    public var used: Int

    public init(id: Int64, code: String, name: String, locationName: String? = nil, drawers: Int, slots: Int, capacity: Int, used: Int) {
        self.id = id
        self.code = code
        self.name = name
        self.locationName = locationName
        self.drawers = drawers
        self.slots = slots
        self.capacity = capacity
        self.used = used
    }
}
