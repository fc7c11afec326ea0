import Foundation

/// The QR codes on a scanned page of the issuance list (C2): an image (PNG, JPEG, TIFF, up to 20
/// pages) or a PDF rendered at 300 dpi, decoded with libzbar.
public enum QRPageReader {
    public static let maxPages = 20

    public static func codes(in data: Data, limits: ImagingLimits) throws -> [String] {
        var pages: [RGBAPixels] = []
        if data.starts(with: Array("%PDF".utf8)) {
            pages = try PDFRasterizer.pages(of: data, dpi: 300, maxPages: maxPages)
        } else {
            let image = try ScannedImage(data: data, limits: limits)
            for index in 0..<min(image.pageCount, maxPages) { pages.append(try image.pixels(page: index)) }
        }
        return try pages.flatMap { try QRScanner.decode($0).map(\.text) }
    }
}
