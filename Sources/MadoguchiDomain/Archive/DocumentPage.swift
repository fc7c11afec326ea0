import Foundation

public struct DocumentPage: Sendable, Codable, Equatable {
    public var number: Int
    public var width: Int
    public var height: Int
    public var previewSHA256: String
    public var thumbnailSHA256: String

    public init(number: Int, width: Int, height: Int, previewSHA256: String, thumbnailSHA256: String) {
        self.number = number
        self.width = width
        self.height = height
        self.previewSHA256 = previewSHA256
        self.thumbnailSHA256 = thumbnailSHA256
    }
}
