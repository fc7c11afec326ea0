#if canImport(Glibc)
import Glibc
#endif

/// One conversion through glibc's iconv, for the CP932 encoder and decoder alike.
enum Iconv {
    /// `bytes` converted by `descriptor`, or nil when they hold something the target cannot
    /// (or the source does not) contain.
    static func convert(_ bytes: [UInt8], with descriptor: iconv_t) -> [UInt8]? {
        guard !bytes.isEmpty else { return [] }
        var input = bytes
        // UTF-8 → CP932 shrinks; CP932 → UTF-8 grows at most threefold (half-width kana).
        var output = [UInt8](repeating: 0, count: input.count * 3 + 8)
        let written = input.withUnsafeMutableBufferPointer { inBuffer -> Int? in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int? in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                iconv(descriptor, nil, nil, nil, nil)  // reset the shift state
                return iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) == -1 ? nil : outBuffer.count - outLeft
            }
        }
        return written.map { Array(output.prefix($0)) }
    }
}
