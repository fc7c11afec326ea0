import CImaging
import Foundation
import MadoguchiDomain

/// Masks the configured regions of a scan and writes the result as a new multi-page TIFF, so
/// the archive never holds the individual number printed on a form (DESIGN, privacy rule): the
/// masked file, not the upload, is what gets stored.
public struct Redactor: Sendable {
    public init() {}

    /// Page by page (#13): one decoded page is held at a time, whatever the file's length;
    /// `budget` stops a file that takes too long between pages.
    public func redact(_ image: ScannedImage, regions: [RedactionRegion], budget: CPUBudget? = nil) throws -> Data {
        guard let writer = mdg_tiff_writer_open(Int32(image.pageCount)) else {
            throw ImagingError.malformed(format: image.format, detail: "cannot create TIFF")
        }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        var failure: (any Error)?
        for index in 0..<image.pageCount {
            do {
                try budget?.check()
                let page = try image.decode(page: index)
                for region in regions where region.page == 0 || region.page == index + 1 {
                    let w = Double(page.width), h = Double(page.height)
                    mdg_fill_rect(&page.image, UInt32(max(0, region.x * w)), UInt32(max(0, region.y * h)),
                                  UInt32((region.width * w).rounded(.up)), UInt32((region.height * h).rounded(.up)))
                }
                if mdg_tiff_writer_add(writer, &page.image, Int32(index)) != 0 { break }
            } catch {
                failure = error
                break
            }
        }
        let status = mdg_tiff_writer_finish(writer, &output, &length, &message, message.count)
        if let failure {
            if status == 0 { mdg_free(output) }
            throw failure
        }
        guard status == 0, let output else {
            throw ImagingError.malformed(format: image.format, detail: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { mdg_free(output) }
        return Data(bytes: output, count: length)
    }
}
