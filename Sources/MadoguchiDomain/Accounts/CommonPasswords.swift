import Foundation

/// The breached and common passwords new staff passwords are checked against (#13, ASVS 6.2.4):
/// a sorted, lower-cased list with one password per line, searched in place by bisection over
/// its bytes (the 21 MB list is memory-mapped, never parsed into a set).
public struct CommonPasswords: Sendable {
    let text: Data

    /// `text` must be sorted by UTF-8 bytes, LF-separated.
    public init(sortedText: Data) {
        text = sortedText
    }

    public func contains(_ password: String) -> Bool {
        let needle = Array(password.lowercased().utf8)
        return text.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            var low = 0, high = bytes.count
            while low < high {
                let middle = (low + high) / 2
                // The line holding `middle`.
                var start = middle
                while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
                var end = middle
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                switch compare(needle, bytes, start, end) {
                case 0: return true
                case ..<0: high = start
                default: low = end + 1
                }
            }
            return false
        }
    }

    /// Byte-wise comparison of `needle` with `bytes[start..<end]`.
    func compare(_ needle: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var i = 0
        while i < needle.count, start + i < end {
            if needle[i] != bytes[start + i] { return needle[i] < bytes[start + i] ? -1 : 1 }
            i += 1
        }
        return needle.count - (end - start)
    }
}
