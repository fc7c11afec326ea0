import CImaging
import Foundation

/// A scanned file, checked: its format by magic bytes, its page count, and (on demand) each page
/// decoded to RGBA through the C shim.
public struct ScannedImage: Sendable {
    public let format: ImageFormat
    public let pageCount: Int
    let data: Data
    let limits: ImagingLimits

    /// Checks the file's type and structure; a damaged or disguised file throws here.
    public init(data: Data, limits: ImagingLimits = ImagingLimits()) throws {
        guard let format = ImageFormat.detect(data) else { throw ImagingError.unsupportedFormat }
        switch format {
        case .pdf:
            throw ImagingError.pdfNotSupported
        case .tiff:
            // Every page's size from its directory, before any pixel is decoded (#13).
            var widths = [UInt32](repeating: 0, count: limits.maxPages), heights = widths
            let count = try Self.call(format, data) { bytes, len, err, errlen in
                mdg_tiff_page_sizes(bytes, len, &widths, &heights, Int32(limits.maxPages), err, errlen)
            }
            guard count <= limits.maxPages else { throw ImagingError.tooManyPages(limit: limits.maxPages) }
            pageCount = Int(count)
            var total: UInt64 = 0
            for index in 0..<pageCount {
                let pixels = UInt64(widths[index]) * UInt64(heights[index])
                if pixels > limits.maxPixelsPerPage { throw ImagingError.tooManyPixels(page: index + 1, limit: limits.maxPixelsPerPage) }
                total += pixels
            }
            if total > limits.maxPixelsPerFile { throw ImagingError.tooManyPixelsInFile(total: total, limit: limits.maxPixelsPerFile) }
        case .jpeg, .png:
            pageCount = 1
        }
        self.format = format
        self.data = data
        self.limits = limits
    }

    /// Decodes page `index` (0-based) to top-left oriented RGBA, EXIF orientation applied.
    func decode(page index: Int) throws -> DecodedPage {
        precondition(index >= 0 && index < pageCount)
        let page = DecodedPage()
        var orientation: Int32 = 1
        let limit = limits.maxPixelsPerPage
        do {
            _ = try Self.call(format, data) { bytes, len, err, errlen in
                switch format {
                case .tiff: mdg_tiff_decode(bytes, len, Int32(index), limit, &page.image, err, errlen)
                case .jpeg: mdg_jpeg_decode(bytes, len, limit, &page.image, &orientation, err, errlen)
                case .png: mdg_png_decode(bytes, len, limit, &page.image, err, errlen)
                case .pdf: -1
                }
            }
        } catch ShimFailure.limit {
            throw ImagingError.tooManyPixels(page: index + 1, limit: limit)
        }
        if orientation > 1, mdg_apply_orientation(&page.image, orientation) != 0 {
            throw ImagingError.malformed(format: format, detail: "out of memory rotating the page")
        }
        return page
    }

    enum ShimFailure: Error { case limit }

    /// Runs a shim call with the file's bytes and an error buffer. -1 becomes `malformed` with
    /// the library's message; -2 (a limit) becomes `ShimFailure.limit` for the caller to word.
    static func call(_ format: ImageFormat, _ data: Data,
                     _ body: (UnsafePointer<UInt8>, Int, UnsafeMutablePointer<CChar>, Int) -> Int32) throws -> Int32 {
        var message = [CChar](repeating: 0, count: 512)
        let status = data.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return -1 }
            return message.withUnsafeMutableBufferPointer { body(base, raw.count, $0.baseAddress!, $0.count) }
        }
        if status == -2 { throw ShimFailure.limit }
        if status < 0 {
            let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImagingError.malformed(format: format, detail: detail)
        }
        return status
    }
}

/// One decoded page; frees the C buffer when released.
final class DecodedPage {
    var image = mdg_image()

    var width: Int { Int(image.width) }
    var height: Int { Int(image.height) }

    deinit { mdg_free(image.rgba) }
}

/// Decoded pixels of one page, top-left origin, 4 bytes (R, G, B, A) per pixel.
public struct RGBAPixels: Sendable {
    public let width: Int
    public let height: Int
    public let bytes: [UInt8]

    public init(width: Int, height: Int, bytes: [UInt8]) {
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let i = (y * width + x) * 4
        return (bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3])
    }
}

extension ScannedImage {
    /// The decoded page as pixels (for checks and for redaction of a page region).
    public func pixels(page index: Int) throws -> RGBAPixels {
        let page = try decode(page: index)
        let count = page.width * page.height * 4
        let bytes = [UInt8](UnsafeBufferPointer(start: page.image.rgba, count: count))
        return RGBAPixels(width: page.width, height: page.height, bytes: bytes)
    }
}
