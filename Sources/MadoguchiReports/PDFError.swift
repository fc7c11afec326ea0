/// Failure to produce a PDF; carries cairo's own wording so a log line is
/// enough to tell a font problem from an out-of-memory one.
public struct PDFError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String

    public var description: String { "PDF generation failed (cairo status \(status)): \(message)" }
}
