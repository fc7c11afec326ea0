import Foundation
import MadoguchiImaging

/// The committed QR fixtures (fixtures/qr/make-qr-fixtures.py made them), decoded by the
/// project's own image decoder, as an upload would be.
enum TestPNG {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/qr")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    static func pixels(_ name: String) throws -> RGBAPixels {
        try ScannedImage(data: data(name)).pixels(page: 0)
    }
}
