import Foundation
import MadoguchiImaging
import Testing

@Suite("PDF scans of the issuance list, rendered with poppler")
struct PDFRasterizerTests {
    @Test("a one-page PDF at 150 and 200 dpi gives one A4 page with all six codes", arguments: [150.0, 200.0])
    func onePage(dpi: Double) throws {
        // setup
        let data = try TestPNG.data("issuance-list-page.pdf")
        // act
        let pages = try PDFRasterizer.pages(of: data, dpi: dpi)
        // check
        try #require(pages.count == 1)
        #expect(abs(pages[0].width - Int(8.27 * dpi)) <= 2)
        #expect(abs(pages[0].height - Int(11.69 * dpi)) <= 2)
        #expect(try QRScanner.decode(pages[0]).map(\.text) == listPayloads)
    }

    @Test("a two-page PDF gives three codes per page, in order")
    func twoPages() throws {
        // setup
        let data = try TestPNG.data("issuance-list-2pages.pdf")
        // act
        let pages = try PDFRasterizer.pages(of: data, dpi: 150)
        // check
        try #require(pages.count == 2)
        #expect(try QRScanner.decode(pages[0]).map(\.text) == Array(listPayloads[0..<3]))
        #expect(try QRScanner.decode(pages[1]).map(\.text) == Array(listPayloads[3..<6]))
    }

    @Test("rendered pages are opaque white where the PDF draws nothing")
    func whiteBackground() throws {
        // setup
        let data = try TestPNG.data("issuance-list-page.pdf")
        // act
        let page = try #require(try PDFRasterizer.pages(of: data, dpi: 72).first)
        // check: the top-left corner is margin
        #expect(Array(page.bytes[0..<4]) == [255, 255, 255, 255])
    }

    @Test("a truncated file that starts like a PDF throws unreadable")
    func junk() throws {
        // setup
        let data = try TestPNG.data("not-a-pdf.pdf")
        // act, check
        #expect {
            try PDFRasterizer.pages(of: data)
        } throws: { error in
            guard case .unreadable = error as? PDFRasterizeError else { return false }
            return (error as? PDFRasterizeError)?.message == "PDFを読み込めませんでした。ファイルが壊れているか、途中で切れています。"
        }
    }

    @Test("a password-protected PDF throws encrypted")
    func encrypted() throws {
        // setup
        let data = try TestPNG.data("encrypted.pdf")
        // act, check
        #expect(throws: PDFRasterizeError.encrypted) { try PDFRasterizer.pages(of: data) }
    }

    @Test("empty data throws")
    func empty() {
        // act, check
        #expect(throws: PDFRasterizeError.empty) { try PDFRasterizer.pages(of: Data()) }
    }

    @Test("a PDF with more pages than allowed is refused before rendering")
    func tooManyPages() throws {
        // setup
        let data = try TestPNG.data("issuance-list-2pages.pdf")
        // act, check
        #expect(throws: PDFRasterizeError.tooManyPages(limit: 1)) { try PDFRasterizer.pages(of: data, maxPages: 1) }
    }

    @Test("a page declared 5 m square is refused before a surface is allocated")
    func hugePage() throws {
        // setup: a minimal valid PDF with a 14173 pt (5 m) MediaBox
        let data = Data(minimalPDF(mediaBox: "0 0 14173 14173").utf8)
        // act, check
        #expect(throws: PDFRasterizeError.pageTooLarge(page: 1)) { try PDFRasterizer.pages(of: data) }
    }

    @Test("an absurd resolution is refused", arguments: [0.0, -1, .nan, .infinity, 5000])
    func badResolution(dpi: Double) throws {
        // setup
        let data = try TestPNG.data("issuance-list-page.pdf")
        // act, check
        #expect(throws: PDFRasterizeError.invalidResolution) { try PDFRasterizer.pages(of: data, dpi: dpi) }
    }
}

/// A one-page PDF with a correct xref table, so only the page size is unusual.
func minimalPDF(mediaBox: String) -> String {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [\(mediaBox)] >>",
    ]
    var out = "%PDF-1.4\n", offsets: [Int] = []
    for (n, body) in objects.enumerated() {
        offsets.append(out.utf8.count)
        out += "\(n + 1) 0 obj\n\(body)\nendobj\n"
    }
    let xref = out.utf8.count
    out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
    out += offsets.map { String(repeating: "0", count: 10 - String($0).count) + "\($0) 00000 n \n" }.joined()
    out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
    return out
}
