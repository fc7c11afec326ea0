import Foundation

/// The registry's view of a person a ledger entry or booking names, with what differs (C5).
public struct RegistryMatch: Sendable, Equatable {
    public var person: RegistryRecord?
    public var candidates: Int
    public var flags: [String]
    public var isClean: Bool { person != nil && flags.isEmpty }

    public init(person: RegistryRecord? = nil, candidates: Int, flags: [String]) {
        self.person = person
        self.candidates = candidates
        self.flags = flags
    }
}
