import CImaging
import Foundation

/// Turns each page of a scan into the two PNGs the staff viewer shows: a preview of about 1600 px
/// on the long side and a thumbnail of about 240 px. Pages that are grey (most forms) are written
/// as 8-bit grey PNGs, a third of the size of colour.
public struct PreviewRenderer: Sendable {
    public var previewSize: Int
    public var thumbnailSize: Int

    public init(previewSize: Int = 1600, thumbnailSize: Int = 240) {
        self.previewSize = previewSize
        self.thumbnailSize = thumbnailSize
    }

    public struct Rendering: Sendable {
        /// The page's own size in pixels.
        public let width: Int
        public let height: Int
        public let preview: Data
        public let thumbnail: Data
    }

    /// Renders page `index` (0-based).
    public func render(_ image: ScannedImage, page index: Int) throws -> Rendering {
        let page = try image.decode(page: index)
        return Rendering(width: page.width, height: page.height,
                         preview: try encode(page, longSide: previewSize, format: image.format),
                         thumbnail: try encode(page, longSide: thumbnailSize, format: image.format))
    }

    /// Renders every page, in order, one decoded page at a time; `budget` stops a file that
    /// takes too long between pages.
    public func renderAll(_ image: ScannedImage, budget: CPUBudget? = nil) throws -> [Rendering] {
        try (0..<image.pageCount).map {
            try budget?.check()
            return try render(image, page: $0)
        }
    }

    func encode(_ page: DecodedPage, longSide: Int, format: ImageFormat) throws -> Data {
        let (width, height) = Self.fit(width: page.width, height: page.height, longSide: longSide)
        var scaled: UnsafeMutablePointer<UInt8>?
        let channels = mdg_scale_to_rgb(&page.image, UInt32(width), UInt32(height), &scaled)
        guard channels > 0, let scaled else { throw ImagingError.malformed(format: format, detail: "cannot scale page") }
        defer { mdg_free(scaled) }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = mdg_png_encode(scaled, UInt32(width), UInt32(height), channels, &output, &length, &message, message.count)
        guard status == 0, let output else { throw ImagingError.malformed(format: format, detail: "cannot encode preview") }
        defer { mdg_free(output) }
        return Data(bytes: output, count: length)
    }

    /// The size that fits `longSide`, keeping the aspect ratio; never enlarges a small page.
    public static func fit(width: Int, height: Int, longSide: Int) -> (Int, Int) {
        let long = max(width, height)
        guard long > longSide else { return (width, height) }
        let scale = Double(longSide) / Double(long)
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }
}

