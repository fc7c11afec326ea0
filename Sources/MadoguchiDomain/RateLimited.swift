/// A request refused because its sender made too many in a short time (HTTP 429).
public struct RateLimited: Error, Sendable, Equatable {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    /// Residents' booking attempts and look-ups: in both languages, since the limit is hit before
    /// the page knows which one the sender reads.
    public static let bookings = RateLimited(
        message: "短時間に操作が繰り返されたため、受付を一時停止しています。しばらくしてからお試しください。 / Too many attempts; please try again later.")
}
