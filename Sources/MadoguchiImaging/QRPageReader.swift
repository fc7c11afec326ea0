import Foundation

/// The QR codes on a scanned page of the issuance list (C2): an image (PNG, JPEG, TIFF, up to 20
/// pages) or a PDF rendered at 300 dpi, decoded with libzbar — one page at a time (#13), so a
/// long file holds one page's pixels, and within the file's processor-time budget.
public enum QRPageReader {
    public static let maxPages = 20

    public static func codes(in data: Data, limits: ImagingLimits) throws -> [String] {
        let budget = CPUBudget(seconds: limits.cpuSecondsPerFile)
        var codes: [String] = []
        if data.starts(with: Array("%PDF".utf8)) {
            let pages = try PDFPages(data: data, dpi: 300, maxPages: maxPages, limits: limits)
            for index in 0..<pages.count {
                try budget.check()
                codes += try QRScanner.decode(try pages.render(index, budget: budget)).map(\.text)
            }
        } else {
            let image = try ScannedImage(data: data, limits: limits)
            for index in 0..<min(image.pageCount, maxPages) {
                try budget.check()
                codes += try QRScanner.decode(try image.pixels(page: index)).map(\.text)
            }
        }
        return codes
    }
}
