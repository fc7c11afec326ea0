import Foundation

/// An area of a form layout that can carry the individual number, as fractions of the page
/// (privacy rule): an administrator registers it per document kind, and uploads of that kind
/// are stored with the area painted out.
public struct RedactionRegion: Sendable, Equatable, Codable {
    /// The stored region's id; nil before it is registered.
    public var id: Int64?
    public var kind: String
    public var label: String
    /// 1-based page number; 0 means every page.
    public var page: Int
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(id: Int64? = nil, kind: String = "", label: String = "", page: Int, x: Double, y: Double, width: Double, height: Double) {
        self.id = id
        self.kind = kind
        self.label = label
        self.page = page
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var isValid: Bool {
        page >= 0 && x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= 1.0001 && y + height <= 1.0001
    }
}
