import Foundation
import MadoguchiDomain
import MadoguchiImaging
import Testing

@Suite("Redaction of form regions (privacy rule)")
struct RedactorTests {
    @Test("the region is black in the stored file, the rest of the page is unchanged, and every page is kept")
    func masks() throws {
        // setup: the top-right quarter of page 1, where a form might print the individual number
        let original = try ScannedImage(data: try Fixture.data("form-3pages.tif"))
        let region = RedactionRegion(page: 1, x: 0.5, y: 0, width: 0.5, height: 0.25)
        // act
        let masked = try ScannedImage(data: try Redactor().redact(original, regions: [region]))
        // check
        #expect(masked.format == .tiff)
        #expect(masked.pageCount == 3)
        let page1 = try masked.pixels(page: 0), before = try original.pixels(page: 0)
        #expect(page1.width == before.width && page1.height == before.height)
        let inside = page1.pixel(x: 700, y: 100), outside = page1.pixel(x: 100, y: 600)
        #expect(inside.r == 0 && inside.g == 0 && inside.b == 0)
        #expect(before.pixel(x: 700, y: 100).r == 255, "the fixture is paper there")
        #expect(outside == before.pixel(x: 100, y: 600))
        // page 2 has no region: identical pixels
        #expect(try masked.pixels(page: 1).bytes == (try original.pixels(page: 1)).bytes)
        // page 3 keeps its colour (the red seal)
        #expect(try masked.pixels(page: 2).bytes == (try original.pixels(page: 2)).bytes)
    }

    @Test("regions must lie inside the page")
    func validity() {
        #expect(RedactionRegion(page: 1, x: 0.1, y: 0.1, width: 0.2, height: 0.1).isValid)
        #expect(!RedactionRegion(page: 1, x: 0.9, y: 0.1, width: 0.2, height: 0.1).isValid)
        #expect(!RedactionRegion(page: -1, x: 0, y: 0, width: 0.1, height: 0.1).isValid)
        #expect(!RedactionRegion(page: 0, x: 0, y: 0, width: 0, height: 0.1).isValid)
    }
}
