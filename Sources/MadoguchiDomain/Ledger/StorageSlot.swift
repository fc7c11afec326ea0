import Foundation

public struct StorageSlot: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var cabinetName: String
    public var capacity: Int
    public var used: Int
    public var isFull: Bool { used >= capacity }

    public init(id: Int64, code: String, cabinetName: String, capacity: Int, used: Int) {
        self.id = id
        self.code = code
        self.cabinetName = cabinetName
        self.capacity = capacity
        self.used = used
    }
}
