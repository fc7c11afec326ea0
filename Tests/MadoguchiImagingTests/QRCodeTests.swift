import Foundation
import MadoguchiProcess
import MadoguchiImaging
import Testing

@Suite("QR codes on booking confirmations")
struct QRCodeTests {
    @Test("a booking code encoded by libqrencode is read back by zbar, the decoder scanners use")
    func roundTrip() async throws {
        // setup
        let text = "QRTUV-WXY34"
        let code = try QRCode(text)
        let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("qr-\(UUID().uuidString).pgm")
        defer { try? FileManager.default.removeItem(at: file) }
        try code.pgm(pixelsPerModule: 4).write(to: file)
        // act
        let result = try await ProcessRunner.runOffPool(["/usr/bin/zbarimg", "--nodbus", "--quiet", "--raw", file.path], errors: .discarded)
        let decoded = result.output
        // check
        #expect(result.status == 0)
        #expect(decoded.trimmingCharacters(in: .whitespacesAndNewlines) == text)
    }

    @Test("the SVG has the quiet zone, an accessible name and no script")
    func svg() throws {
        let code = try QRCode("ACDEFGHJKM")
        let svg = code.svg(pixelsPerModule: 5, label: "予約番号 <ACDEF>")
        #expect(code.size == 21)
        #expect(svg.contains("viewBox=\"0 0 29 29\""))
        #expect(svg.contains("aria-label=\"予約番号 &lt;ACDEF>\""))
        #expect(!svg.contains("<script"))
    }
}
