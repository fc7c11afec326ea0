/// A storage place written as cabinet-drawer-slot (A-2-15), the label on the shelf (C9).
public struct StoragePlaceCode: Hashable, Sendable, CustomStringConvertible {
    public let cabinet: String
    public let drawer: String
    public let slot: String

    public init?(_ text: String) {
        let parts = FileValue.key(text).uppercased().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy(Self.isCode) else { return nil }
        cabinet = parts[0]
        drawer = parts[1]
        slot = parts[2]
    }

    public init?(cabinet: String, drawer: String, slot: String) {
        self.init("\(cabinet)-\(drawer)-\(slot)")
    }

    public var description: String { "\(cabinet)-\(drawer)-\(slot)" }

    public static func isCode(_ part: String) -> Bool {
        (1...10).contains(part.count) && part.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("A"..."Z").contains($0) }
    }
}
