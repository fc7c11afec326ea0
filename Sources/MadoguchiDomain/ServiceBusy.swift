/// A request refused because the work it needs is at capacity right now (HTTP 503 with
/// Retry-After): nothing was changed, and the same request later will be served.
public struct ServiceBusy: Error, Sendable, Equatable {
    public let message: String
    public let retryAfterSeconds: Int

    public init(message: String, retryAfterSeconds: Int) {
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// All image-decoding slots are taken and the queue is full (#13).
    public static let decoding = ServiceBusy(
        message: "ほかの画像を処理中のため、受け付けられませんでした。少し待ってからもう一度送信してください。", retryAfterSeconds: 10)
}
