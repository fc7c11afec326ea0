import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Processor time a file's decoding may use (#13), measured on the thread doing it and checked
/// between pages: a file of many heavy pages stops with a clear refusal instead of holding a
/// decoding slot for minutes. (A single page is bounded by the pixel limits; a PDF page by its
/// worker process's own limit.)
public final class CPUBudget: @unchecked Sendable {
    public let seconds: Double
    let start: Double
    /// Processor time spent elsewhere on this file's behalf (PDF page workers).
    var elsewhere: Double = 0

    public init(seconds: Double) {
        self.seconds = seconds
        start = Self.threadTime()
    }

    static func threadTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    public var used: Double { Self.threadTime() - start + elsewhere }
    public var remaining: Double { max(0, seconds - used) }

    public func charge(_ seconds: Double) { elsewhere += seconds }

    /// Throws `tooSlow` once the budget is spent.
    public func check() throws {
        if used > seconds { throw ImagingError.tooSlow(seconds: Int(seconds)) }
    }
}
