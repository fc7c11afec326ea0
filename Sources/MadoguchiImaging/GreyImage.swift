/// An 8-bit luma copy of a page, the only input zbar takes (Y800). Kept mutable so codes already
/// read can be painted out before the next pass.
struct GreyImage {
    let width: Int
    let height: Int
    var bytes: [UInt8]

    /// BT.601 luma; transparent pixels are composited on white, as on paper.
    init?(_ pixels: RGBAPixels) {
        let (w, h) = (pixels.width, pixels.height)
        let (count, overflow) = w.multipliedReportingOverflow(by: h)
        guard w > 0, h > 0, !overflow, count <= pixels.bytes.count / 4 else { return nil }
        width = w
        height = h
        bytes = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            pixels.bytes.withUnsafeBufferPointer { rgba in
                for i in 0..<count {
                    let r = UInt32(rgba[4 * i]), g = UInt32(rgba[4 * i + 1]), b = UInt32(rgba[4 * i + 2])
                    let a = UInt32(rgba[4 * i + 3])
                    let luma = (77 * r + 150 * g + 29 * b + 128) >> 8
                    out[i] = UInt8((luma * a + 255 * (255 - a) + 127) / 255)
                }
            }
            initialized = count
        }
    }

    private init(width: Int, height: Int, bytes: [UInt8]) {
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    /// Half size by 2x2 averaging: averaging (not skipping) keeps thin modules grey instead of
    /// dropping them.
    func halved() -> GreyImage {
        let (w, h) = (width / 2, height / 2)
        let out = [UInt8](unsafeUninitializedCapacity: w * h) { out, count in
            bytes.withUnsafeBufferPointer { src in
                for y in 0..<h {
                    let top = 2 * y * width, bottom = top + width
                    for x in 0..<w {
                        let sum = Int(src[top + 2 * x]) + Int(src[top + 2 * x + 1])
                            + Int(src[bottom + 2 * x]) + Int(src[bottom + 2 * x + 1])
                        out[y * w + x] = UInt8((sum + 2) / 4)
                    }
                }
            }
            count = w * h
        }
        return GreyImage(width: w, height: h, bytes: out)
    }

    /// Paints a rectangle white, clipped to the image.
    mutating func whiten(x: Int, y: Int, width rectWidth: Int, height rectHeight: Int) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + rectWidth), y1 = min(height, y + rectHeight)
        guard x0 < x1, y0 < y1 else { return }
        let rowWidth = width
        bytes.withUnsafeMutableBufferPointer { buffer in
            for row in y0..<y1 {
                buffer[(row * rowWidth + x0)..<(row * rowWidth + x1)].update(repeating: 255)
            }
        }
    }
}
