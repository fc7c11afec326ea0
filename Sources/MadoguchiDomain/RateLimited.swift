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

    /// A booking code whose date of birth was guessed wrong too often (#13): locked for a while,
    /// wherever the guesses come from.
    public static let lookupLocked = RateLimited(
        message: "この予約番号は、生年月日の誤りが続いたため一時的に照会できません。30分ほどしてからお試しいただくか、市民課へお電話ください。 / This booking code is locked for a while after repeated wrong dates of birth; please try again later or call the office.")
}
