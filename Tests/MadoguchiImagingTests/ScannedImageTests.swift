import Foundation
import MadoguchiDomain
import MadoguchiImaging
import Testing

/// The committed sample scans (fixtures/make_scans.py made them with real encoders).
enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/scans")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }
}

/// Size of a PNG from its IHDR chunk, to check outputs without another decoder.
func pngSize(_ data: Data) -> (Int, Int)? {
    guard data.count > 24, ImageFormat.detect(data) == .png else { return nil }
    let b = [UInt8](data[16..<24])
    let w = Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
    let h = Int(b[4]) << 24 | Int(b[5]) << 16 | Int(b[6]) << 8 | Int(b[7])
    return (w, h)
}

/// Colour type byte of a PNG (0 grey, 2 RGB).
func pngColourType(_ data: Data) -> UInt8 { [UInt8](data)[25] }

@Suite("Scanned images: decoding and previews (B4)")
struct ScannedImageTests {
    let renderer = PreviewRenderer()

    @Test("a 3-page TIFF with G4, LZW and JPEG pages gives three previews and thumbnails")
    func multiPageTIFF() throws {
        // setup
        let image = try ScannedImage(data: try Fixture.data("form-3pages.tif"))
        // act
        let pages = try renderer.renderAll(image)
        // check
        #expect(image.format == .tiff)
        #expect(image.pageCount == 3)
        #expect(pages.map(\.width) == [827, 827, 827])
        for page in pages {
            #expect(pngSize(page.preview).map { $0.0 == 827 && $0.1 == 1169 } == true, "small pages are not enlarged")
            let thumb = pngSize(page.thumbnail)
            #expect(thumb?.1 == 240)
            #expect(thumb?.0 == 170)
        }
        #expect(pngColourType(pages[0].preview) == 0, "a bilevel page is written as grey")
        #expect(pngColourType(pages[2].preview) == 2, "the page with a red seal stays in colour")
    }

    @Test("JPEG EXIF orientation is applied: a sideways photo is shown upright")
    func exifOrientation() throws {
        let image = try ScannedImage(data: try Fixture.data("photo-orientation6.jpg"))
        let page = try renderer.render(image, page: 0)
        #expect(page.width == 300)
        #expect(page.height == 400)
        // the blue band stored on the left edge is on top once turned 90° clockwise
        let pixels = try image.pixels(page: 0)
        let top = pixels.pixel(x: 150, y: 10), bottom = pixels.pixel(x: 150, y: 390)
        #expect(top.b > 200 && top.r < 60)
        #expect(bottom.r > 200 && bottom.g > 200 && bottom.b > 200)
    }

    @Test("colours come out right: CMYK cyan-free magenta+yellow is red, G4 black is black")
    func colours() throws {
        let cmyk = try ScannedImage(data: try Fixture.data("cmyk.jpg")).pixels(page: 0).pixel(x: 100, y: 50)
        #expect(cmyk.r > 200 && cmyk.g < 60 && cmyk.b < 60)
        let g4 = try ScannedImage(data: try Fixture.data("form-3pages.tif")).pixels(page: 0)
        let border = g4.pixel(x: 11, y: 11), paper = g4.pixel(x: 400, y: 60)
        #expect(border.r == 0 && border.g == 0 && border.b == 0)
        #expect(paper.r == 255)
    }

    @Test("CMYK JPEG, 16-bit grey, palette, interlaced and transparent PNGs decode",
          arguments: ["cmyk.jpg", "grey16.png", "palette.png", "interlaced.png", "transparent.png", "deflate.tif"])
    func variants(name: String) throws {
        let image = try ScannedImage(data: try Fixture.data(name))
        let page = try renderer.render(image, page: 0)
        #expect(page.width > 0 && page.height > 0)
        #expect(pngSize(page.thumbnail) != nil)
    }

    @Test("truncated files are refused, never shown half grey",
          arguments: ["truncated-form-3pages.tif", "truncated-photo-orientation6.jpg", "truncated-interlaced.png"])
    func truncated(name: String) throws {
        #expect {
            let image = try ScannedImage(data: try Fixture.data(name))
            _ = try renderer.renderAll(image)
        } throws: { error in
            guard case ImagingError.malformed = error else { return false }
            return "\(error)".contains("壊れている")
        }
    }

    @Test("a TIFF claiming 100000 x 100000 pixels is refused before any pixel is allocated")
    func decompressionBomb() throws {
        #expect(throws: ImagingError.tooManyPixels(page: 1, limit: 100_000_000)) {
            try renderer.renderAll(try ScannedImage(data: try Fixture.data("huge-dimensions.tif")))
        }
    }

    @Test("20 blank 10000 x 10000 pages in 129 KB are refused from their headers: 2 gigapixels against the 300-megapixel file budget")
    func multiPageBomb() throws {
        // setup
        let data = try Fixture.data("bomb-20-blank-pages.tif")
        let started = ContinuousClock.now
        // act / check
        #expect(data.count < 140_000)
        #expect(throws: ImagingError.tooManyPixelsInFile(total: 2_000_000_000, limit: 300_000_000)) { try ScannedImage(data: data) }
        #expect(ContinuousClock.now - started < .seconds(2), "refused without decoding a page")
    }

    @Test("a file that uses up its processor-time budget stops between pages with a clear refusal")
    func cpuBudget() throws {
        // setup: a three-page form and almost no time
        let image = try ScannedImage(data: try Fixture.data("form-3pages.tif"))
        let budget = CPUBudget(seconds: 0.000_001)
        _ = try image.pixels(page: 0)
        // act / check
        #expect(throws: ImagingError.tooSlow(seconds: 0)) { try renderer.renderAll(image, budget: budget) }
        #expect(throws: ImagingError.tooSlow(seconds: 0)) { try Redactor().redact(image, regions: [], budget: budget) }
    }

    @Test("one 100-megapixel page is within the limits and is masked and rendered page by page")
    func largestPage() throws {
        // setup
        let image = try ScannedImage(data: try Fixture.data("blank-10000.tif"))
        let region = RedactionRegion(id: 1, kind: "application", label: "個人番号", page: 1, x: 0.1, y: 0.1, width: 0.2, height: 0.05)
        // act
        let masked = try ScannedImage(data: try Redactor().redact(image, regions: [region]))
        let pixels = try masked.pixels(page: 0)
        // check
        #expect(masked.pageCount == 1)
        #expect(pixels.width == 10000 && pixels.height == 10000)
        #expect(pixels.pixel(x: 1500, y: 1200).r == 0, "inside the mask")
        #expect(pixels.pixel(x: 5000, y: 5000).r == 255)
    }

    @Test("a PNG with a broken CRC and a ZIP named .tif are refused")
    func brokenAndDisguised() throws {
        #expect(throws: ImagingError.self) { _ = try renderer.renderAll(try ScannedImage(data: try Fixture.data("broken-crc.png"))) }
        #expect(throws: ImagingError.unsupportedFormat) { try ScannedImage(data: try Fixture.data("archive-named.tif")) }
    }

    @Test("a two-page G4 TIFF has two pages")
    func twoPages() throws {
        let image = try ScannedImage(data: try Fixture.data("two-pages-g4.tif"))
        #expect(image.pageCount == 2)
        #expect(try renderer.renderAll(image).count == 2)
    }

    @Test("the type comes from the bytes: a renamed text file and a PDF are refused with clear messages")
    func disguised() throws {
        #expect(throws: ImagingError.unsupportedFormat) { try ScannedImage(data: try Fixture.data("not-an-image.jpg")) }
        #expect(throws: ImagingError.pdfNotSupported) { try ScannedImage(data: try Fixture.data("scan.pdf")) }
        #expect(ImageFormat.detect(try Fixture.data("cmyk.jpg")) == .jpeg)
        #expect(ImageFormat.detect(try Fixture.data("form-3pages.tif")) == .tiff)
    }

    @Test("the pixel limit is checked before decoding")
    func pixelLimit() throws {
        let limits = ImagingLimits(maxPixelsPerPage: 500_000, maxPages: 10)
        // a TIFF from its page headers, at once (#13); a JPEG when its header is read
        #expect(throws: ImagingError.tooManyPixels(page: 1, limit: 500_000)) { try ScannedImage(data: try Fixture.data("form-3pages.tif"), limits: limits) }
        let jpeg = try ScannedImage(data: try Fixture.data("cmyk.jpg"), limits: ImagingLimits(maxPixelsPerPage: 1000))
        #expect(throws: ImagingError.tooManyPixels(page: 1, limit: 1000)) { try renderer.render(jpeg, page: 0) }
        let pages = ImagingLimits(maxPixelsPerPage: 100_000_000, maxPages: 2)
        #expect(throws: ImagingError.tooManyPages(limit: 2)) { try ScannedImage(data: try Fixture.data("form-3pages.tif"), limits: pages) }
    }

    @Test("large scans are reduced to 1600 px previews and 240 px thumbnails, keeping the aspect ratio")
    func fit() {
        #expect(PreviewRenderer.fit(width: 2480, height: 3508, longSide: 1600) == (1131, 1600))
        #expect(PreviewRenderer.fit(width: 3508, height: 2480, longSide: 240) == (240, 170))
        #expect(PreviewRenderer.fit(width: 100, height: 50, longSide: 240) == (100, 50))
    }
}
