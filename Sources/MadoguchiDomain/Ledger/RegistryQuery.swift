import Foundation

public struct RegistryQuery: Sendable, Equatable {
    public var kana: String
    public var name: String
    public var birthDate: CalendarDate?
    public var address: String
    public init(kana: String = "", name: String = "", birthDate: CalendarDate? = nil, address: String = "") {
        self.kana = kana
        self.name = name
        self.birthDate = birthDate
        self.address = address
    }
    public var isEmpty: Bool { kana.isEmpty && name.isEmpty && birthDate == nil && address.isEmpty }
}
