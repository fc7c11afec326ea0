import CPopplerGlib
import Foundation

/// Renders the pages of an uploaded PDF (a scanned issuance list saved as PDF) to pixels with
/// poppler, so the QR scanner sees them like any other scan.
public enum PDFRasterizer {
    /// Checked before a surface is allocated: a PDF can declare a page of any size for free.
    public static let maxPixelsPerPage = 60_000_000

    /// One RGBA image per page, on white, at `dpi`.
    public static func pages(of data: Data, dpi: Double = 200, maxPages: Int = 50) throws -> [RGBAPixels] {
        let count = try pageSizes(of: data, maxPages: maxPages).count
        return try (0..<count).map { try page($0, of: data, dpi: dpi) }
    }

    /// Each page's size in points (1/72 inch), without rendering.
    public static func pageSizes(of data: Data, maxPages: Int) throws -> [(width: Double, height: Double)] {
        guard !data.isEmpty else { throw PDFRasterizeError.empty }
        let document = try open(data)
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }
        let count = Int(poppler_document_get_n_pages(document))
        guard count > 0 else { throw PDFRasterizeError.noPages }
        guard count <= maxPages else { throw PDFRasterizeError.tooManyPages(limit: maxPages) }
        return try (0..<count).map { index in
            guard let page = poppler_document_get_page(document, Int32(index)) else { throw PDFRasterizeError.renderFailed(page: index + 1) }
            defer { g_object_unref(UnsafeMutableRawPointer(page)) }
            var width = 0.0, height = 0.0
            poppler_page_get_size(page, &width, &height)
            return (width, height)
        }
    }

    /// Page `index` (0-based) as RGBA on white at `dpi`.
    public static func page(_ index: Int, of data: Data, dpi: Double) throws -> RGBAPixels {
        guard dpi.isFinite, dpi > 0, dpi <= 1200 else { throw PDFRasterizeError.invalidResolution }
        guard !data.isEmpty else { throw PDFRasterizeError.empty }
        let document = try open(data)
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }
        guard index >= 0, index < Int(poppler_document_get_n_pages(document)) else { throw PDFRasterizeError.renderFailed(page: index + 1) }
        return try render(document, index: index, dpi: dpi)
    }

    private static func open(_ data: Data) throws -> OpaquePointer {
        // GBytes copies the data, and the document keeps its own reference to it.
        let bytes = data.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(bytes) }
        var error: UnsafeMutablePointer<GError>?
        if let document = poppler_document_new_from_bytes(bytes, nil, &error) {
            return document
        }
        defer { if let error { g_error_free(error) } }
        guard let failure = error?.pointee else { throw PDFRasterizeError.unreadable(detail: "") }
        if failure.domain == poppler_error_quark(), failure.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
            throw PDFRasterizeError.encrypted
        }
        throw PDFRasterizeError.unreadable(detail: failure.message.map { String(cString: $0) } ?? "")
    }

    private static func render(_ document: OpaquePointer, index: Int, dpi: Double) throws -> RGBAPixels {
        guard let page = poppler_document_get_page(document, Int32(index)) else {
            throw PDFRasterizeError.renderFailed(page: index + 1)
        }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        var widthPt = 0.0, heightPt = 0.0
        poppler_page_get_size(page, &widthPt, &heightPt)
        let scale = dpi / 72
        let width = (widthPt * scale).rounded(.up), height = (heightPt * scale).rounded(.up)
        // 32767 is cairo's limit per side; the product check keeps memory bounded.
        guard width.isFinite, height.isFinite, width >= 1, height >= 1, width <= 32767, height <= 32767,
              width * height <= Double(maxPixelsPerPage) else {
            throw PDFRasterizeError.pageTooLarge(page: index + 1)
        }
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw PDFRasterizeError.renderFailed(page: index + 1)
        }
        let context = cairo_create(surface)
        // A page without a painted background is transparent; a scan is white paper.
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_scale(context, scale, scale)
        poppler_page_render_for_printing(page, context)
        let status = cairo_status(context)
        cairo_destroy(context)
        guard status == CAIRO_STATUS_SUCCESS else { throw PDFRasterizeError.renderFailed(page: index + 1) }
        cairo_surface_flush(surface)
        return try rgba(of: surface, page: index + 1)
    }

    /// Cairo's ARGB32 is premultiplied and native-endian 32-bit words, rows `stride` bytes apart.
    private static func rgba(of surface: OpaquePointer?, page: Int) throws -> RGBAPixels {
        let width = Int(cairo_image_surface_get_width(surface))
        let height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { throw PDFRasterizeError.renderFailed(page: page) }
        let source = UnsafeRawPointer(data)
        let bytes = [UInt8](unsafeUninitializedCapacity: width * height * 4) { out, count in
            for y in 0..<height {
                for x in 0..<width {
                    let word = source.load(fromByteOffset: y * stride + x * 4, as: UInt32.self)
                    let a = word >> 24, i = (y * width + x) * 4
                    // Pages are painted on opaque white, so the division below is the rare case.
                    func straight(_ c: UInt32) -> UInt8 {
                        a == 255 ? UInt8(c) : a == 0 ? 0 : UInt8(min(255, (c * 255 + a / 2) / a))
                    }
                    out[i] = straight((word >> 16) & 0xFF)
                    out[i + 1] = straight((word >> 8) & 0xFF)
                    out[i + 2] = straight(word & 0xFF)
                    out[i + 3] = UInt8(a)
                }
            }
            count = width * height * 4
        }
        return RGBAPixels(width: width, height: height, bytes: bytes)
    }
}
