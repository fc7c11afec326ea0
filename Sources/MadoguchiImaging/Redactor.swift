import CImaging
import Foundation
import MadoguchiDomain

/// Masks the configured regions of a scan and writes the result as a new multi-page TIFF, so
/// the archive never holds the individual number printed on a form (DESIGN, privacy rule): the
/// masked file, not the upload, is what gets stored.
public struct Redactor: Sendable {
    public init() {}

    public func redact(_ image: ScannedImage, regions: [RedactionRegion]) throws -> Data {
        let pages = try (0..<image.pageCount).map { try image.decode(page: $0) }
        for (index, page) in pages.enumerated() {
            for region in regions where region.page == 0 || region.page == index + 1 {
                let w = Double(page.width), h = Double(page.height)
                mdg_fill_rect(&page.image, UInt32(max(0, region.x * w)), UInt32(max(0, region.y * h)),
                              UInt32((region.width * w).rounded(.up)), UInt32((region.height * h).rounded(.up)))
            }
        }
        var images = pages.map(\.image)
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = withExtendedLifetime(pages) {
            mdg_tiff_encode(&images, Int32(images.count), &output, &length, &message, message.count)
        }
        guard status == 0, let output else {
            throw ImagingError.malformed(format: image.format, detail: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { mdg_free(output) }
        return Data(bytes: output, count: length)
    }
}
