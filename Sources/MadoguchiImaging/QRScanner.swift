import CLibZBar

/// Finds every QR code on a scanned page (the J-LIS issuance list has one per card) with zbar.
public enum QRScanner {
    /// Pages are searched halved until no side exceeds this, as zbar's time grows with pixels
    /// (A4 at 600 dpi: 1.7 s whole, 0.4 s halved). A4 at 300 dpi (3508 px) stays whole: halved,
    /// codes with 4-5 px modules (0.35-0.4 mm printed) were silently lost, some of a page's codes.
    static let maxWorkingSide = 4000
    /// Rounds of scan-and-paint-out; each round that finds nothing new ends the search.
    static let maxRounds = 8

    /// The codes in reading order: rows top to bottom, left to right within a row.
    public static func decode(_ pixels: RGBAPixels) throws -> [DecodedQRCode] {
        guard let grey = GreyImage(pixels) else { throw QRScanError.invalidImage }
        var working = grey, factor = 1
        while max(working.width, working.height) > maxWorkingSide {
            working = working.halved()
            factor *= 2
        }
        if factor > 1 {
            let found = try scan(working)
            if !found.isEmpty { return readingOrder(found.map { $0.scaled(by: factor) }) }
        }
        return readingOrder(try scan(grey))
    }

    /// A code with its box size, which reading order and painting out need.
    struct Found {
        var text: String
        var x: Int, y: Int, width: Int, height: Int

        func scaled(by factor: Int) -> Found {
            Found(text: text, x: x * factor, y: y * factor, width: width * factor, height: height * factor)
        }

        /// The same code seen twice (overlapping bands): same text, centres within half a code.
        func isSame(as other: Found) -> Bool {
            text == other.text && abs((x + width / 2) - (other.x + other.width / 2)) < max(width, other.width) / 2
                && abs((y + height / 2) - (other.y + other.height / 2)) < max(height, other.height) / 2
        }
    }

    /// zbar groups finder patterns page-wide and, with several codes on a page (or specks and
    /// text along their column), silently drops some. Codes already read are painted white and
    /// the page scanned again; when that finds nothing, overlapping half-page bands are scanned,
    /// which recovers codes the whole-page scan keeps missing.
    static func scan(_ image: GreyImage) throws -> [Found] {
        var image = image
        var found: [Found] = []
        for _ in 0..<maxRounds {
            var new = try scanRows(of: image, 0..<image.height)
            if new.isEmpty { new = try scanBands(of: image) }
            guard !new.isEmpty else { break }
            for code in new {
                // A quarter of the code's size covers the corners zbar's box misses on a skewed
                // scan and stays inside the four-module quiet zone, away from neighbours.
                let margin = max(code.width, code.height) / 4
                image.whiten(x: code.x - margin, y: code.y - margin,
                             width: code.width + 2 * margin, height: code.height + 2 * margin)
            }
            found += new
        }
        return found
    }

    /// Bands of half the page, a quarter apart, so any code up to a quarter page tall lies
    /// whole inside one of them.
    private static func scanBands(of image: GreyImage) throws -> [Found] {
        let band = max(1, image.height / 2), step = max(1, band / 2)
        var found: [Found] = []
        for top in stride(from: 0, to: image.height, by: step) {
            let rows = top..<min(image.height, top + band)
            for code in try scanRows(of: image, rows) where !found.contains(where: code.isSame) {
                found.append(code)
            }
            if rows.upperBound == image.height { break }
        }
        return found
    }

    /// Scans the given rows in place (zbar reads the Swift buffer; nothing is copied).
    private static func scanRows(of image: GreyImage, _ rows: Range<Int>) throws -> [Found] {
        // A fresh scanner per scan: reusing one, a later scan missed a code that a new scanner
        // reads from the same pixels.
        guard let scanner = zbar_image_scanner_create() else { throw QRScanError.scannerFailed }
        defer { zbar_image_scanner_destroy(scanner) }
        // Only QR: other symbologies cost time and read false barcodes out of table rules and text.
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        guard let zImage = zbar_image_create() else { throw QRScanError.scannerFailed }
        defer { zbar_image_destroy(zImage) }
        zbar_image_set_format(zImage, 0x3030_3859)  // "Y800", 8-bit grey
        zbar_image_set_size(zImage, UInt32(image.width), UInt32(rows.count))
        // zbar keeps the pointer without copying: the scan and the symbol reads stay inside this
        // closure, and a nil cleanup handler stops zbar from freeing Swift's buffer.
        return try image.bytes.withUnsafeBufferPointer { buffer in
            let slice = UnsafeBufferPointer(rebasing: buffer[(rows.lowerBound * image.width)..<(rows.upperBound * image.width)])
            zbar_image_set_data(zImage, slice.baseAddress, UInt(slice.count), nil)
            guard zbar_scan_image(scanner, zImage) >= 0 else { throw QRScanError.scannerFailed }
            var found: [Found] = []
            var symbol = zbar_image_first_symbol(zImage)
            while let current = symbol {
                if var code = code(from: current), !found.contains(where: code.isSame) {
                    code.y += rows.lowerBound
                    found.append(code)
                }
                symbol = zbar_symbol_next(current)
            }
            return found
        }
    }

    private static func code(from symbol: OpaquePointer) -> Found? {
        guard let data = zbar_symbol_get_data(symbol) else { return nil }
        let bytes = UnsafeRawBufferPointer(start: data, count: Int(zbar_symbol_get_data_length(symbol)))
        let points = (0..<zbar_symbol_get_loc_size(symbol)).map {
            (x: Int(zbar_symbol_get_loc_x(symbol, $0)), y: Int(zbar_symbol_get_loc_y(symbol, $0)))
        }
        guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(),
              let minY = points.map(\.y).min(), let maxY = points.map(\.y).max() else { return nil }
        return Found(text: String(decoding: bytes, as: UTF8.self),
                     x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }

    /// Rows first: a code starts a new row unless its top is within half a code height of the
    /// row's first code, so a slightly skewed scan does not reorder codes on one line.
    static func readingOrder(_ codes: [Found]) -> [DecodedQRCode] {
        var rows: [[Found]] = []
        for code in codes.sorted(by: { ($0.y, $0.x) < ($1.y, $1.x) }) {
            if let anchor = rows.last?.first, code.y - anchor.y < max(1, anchor.height / 2) {
                rows[rows.count - 1].append(code)
            } else {
                rows.append([code])
            }
        }
        return rows.flatMap { $0.sorted { $0.x < $1.x } }.map { DecodedQRCode(text: $0.text, x: $0.x, y: $0.y) }
    }
}
