import Foundation
import MadoguchiImaging
import Testing

/// The six application IDs (申請書ID) of the fixtures, in row order.
let issuanceIDs = [
    "12345678901234567890123", "98765432109876543210987", "11112222333344445555666",
    "20261129000000000000001", "20261129000000000000002", "20261129000000000000003",
]

/// The payloads of the list page: `<申請書ID>,<row number>`.
let listPayloads = issuanceIDs.enumerated().map { "\($0.element),\($0.offset + 1)" }

@Suite("QR codes on the card issuance list (カード発行一覧表)")
struct QRScannerTests {
    @Test("a single code decodes to its application ID")
    func singleCode() throws {
        // setup
        let pixels = try TestPNG.pixels("issuance-qr-single.png")
        // act
        let codes = try QRScanner.decode(pixels)
        // check
        #expect(codes.map(\.text) == ["12345678901234567890123"])
        #expect(codes.first.map { $0.x > 0 && $0.y > 0 } == true, "the box starts inside the quiet zone")
    }

    @Test("a scanned list page gives all six codes in row order")
    func listPage() throws {
        // setup
        let pixels = try TestPNG.pixels("issuance-list-page.png")
        // act
        let codes = try QRScanner.decode(pixels)
        // check
        #expect(codes.map(\.text) == listPayloads)
        #expect(codes.map(\.y) == codes.map(\.y).sorted())
    }

    @Test("a page without QR codes gives an empty list, not an error")
    func noCodes() throws {
        // setup
        let pixels = try TestPNG.pixels("no-qr.png")
        // act
        let codes = try QRScanner.decode(pixels)
        // check
        #expect(codes.isEmpty)
    }

    @Test("codes on one row read left to right, rows top to bottom")
    func readingOrder() throws {
        // setup: three codes side by side, the middle one slightly higher (a skewed scan), one below
        let single = try TestPNG.pixels("issuance-qr-single.png")
        let page = Canvas(width: 3 * single.width, height: 2 * single.height)
        page.paste(single, x: 0, y: 6)
        page.paste(single, x: single.width, y: 0)
        page.paste(single, x: 2 * single.width, y: 10)
        page.paste(single, x: single.width, y: single.height + 12)
        // act
        let codes = try QRScanner.decode(page.pixels)
        // check
        #expect(codes.count == 4)
        #expect(codes.map(\.x) == codes.prefix(3).map(\.x).sorted() + [codes[3].x])
        #expect(codes.last.map { $0.y > single.height } == true)
    }

    @Test("a 300 dpi A4 page (2480×3508) decodes all six at full size")
    func a4At300dpi() throws {
        // setup
        let page = Canvas.upscaled(try TestPNG.pixels("issuance-list-page.png"), by: 2)
        // act
        let started = ContinuousClock.now
        let codes = try QRScanner.decode(page)
        let elapsed = ContinuousClock.now - started
        // check
        #expect(codes.map(\.text) == listPayloads)
        print("QRScanner 2480×3508: \(elapsed)")
    }

    @Test("a page over 4000 px wide is searched at half size and still gives all six")
    func oversizedPage() throws {
        // setup: the 300 dpi page on a canvas wider than the working limit
        let page = Canvas.upscaled(try TestPNG.pixels("issuance-list-page.png"), by: 2)
        let wide = Canvas(width: 4200, height: page.height)
        wide.paste(page, x: 0, y: 0)
        // act
        let codes = try QRScanner.decode(wide.pixels)
        // check
        #expect(codes.map(\.text) == listPayloads)
        #expect(codes.allSatisfy { $0.x % 2 == 0 && $0.y % 2 == 0 }, "positions come from the halved page, scaled back")
    }

    @Test("a buffer shorter than its stated size throws instead of reading past it")
    func shortBuffer() {
        // setup
        let pixels = RGBAPixels(width: 100, height: 100, bytes: [UInt8](repeating: 255, count: 100))
        // act, check
        #expect(throws: QRScanError.invalidImage) { try QRScanner.decode(pixels) }
    }
}

/// A white RGBA canvas to compose test pages from fixtures.
final class Canvas {
    let width: Int, height: Int
    var bytes: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        bytes = [UInt8](repeating: 255, count: width * height * 4)
    }

    var pixels: RGBAPixels { RGBAPixels(width: width, height: height, bytes: bytes) }

    func paste(_ image: RGBAPixels, x: Int, y: Int) {
        for row in 0..<image.height where y + row < height {
            let count = min(image.width, width - x) * 4
            let from = row * image.width * 4, to = ((y + row) * width + x) * 4
            bytes.replaceSubrange(to..<(to + count), with: image.bytes[from..<(from + count)])
        }
    }

    static func upscaled(_ image: RGBAPixels, by factor: Int) -> RGBAPixels {
        let width = image.width * factor, height = image.height * factor
        var bytes = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let from = ((y / factor) * image.width + x / factor) * 4, to = (y * width + x) * 4
                for c in 0..<4 { bytes[to + c] = image.bytes[from + c] }
            }
        }
        return RGBAPixels(width: width, height: height, bytes: bytes)
    }
}
