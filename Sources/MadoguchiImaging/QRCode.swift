import CLibQREncode
import Foundation

/// A QR code (libqrencode), drawn as inline SVG for pages and print: no image request, no
/// script, sharp at any zoom and on paper.
public struct QRCode: Sendable {
    /// Modules per side.
    public let size: Int
    /// Row-major, true for a dark module.
    public let modules: [Bool]

    public enum QRError: Error { case cannotEncode }

    /// Encodes `text` at error-correction level M (about 15 % of the code may be damaged).
    public init(_ text: String) throws {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { throw QRError.cannotEncode }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        modules = (0..<(width * width)).map { code.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// An SVG of the code with the four-module quiet zone the standard asks for; `label` is its
    /// accessible name. One path keeps it small.
    public func svg(pixelsPerModule: Int = 6, label: String) -> String {
        let quiet = 4, side = size + 2 * quiet
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while x + run < size, isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let pixels = side * pixelsPerModule
        let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="\(escaped)" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges"><rect width="\(side)" height="\(side)" fill="#fff"/>\
            <path d="\(path)" fill="#000"/></svg>
            """
    }

    /// A binary PGM image (what scanners and zbar read back), for tests and printing tools.
    public func pgm(pixelsPerModule: Int = 4) -> Data {
        let quiet = 4, side = (size + 2 * quiet) * pixelsPerModule
        var data = Data("P5\n\(side) \(side)\n255\n".utf8)
        data.reserveCapacity(data.count + side * side)
        for py in 0..<side {
            for px in 0..<side {
                let x = px / pixelsPerModule - quiet, y = py / pixelsPerModule - quiet
                let dark = x >= 0 && y >= 0 && x < size && y < size && isDark(x: x, y: y)
                data.append(dark ? 0 : 255)
            }
        }
        return data
    }
}
