import Foundation

public struct Notice: Sendable, Equatable, Codable {
    public var id: Int64
    public var audience: String
    public var priority: String
    public var title: String
    public var body: String
    public var publishAt: Date
    public var expireAt: Date?

    public init(id: Int64, audience: String, priority: String, title: String, body: String, publishAt: Date, expireAt: Date?) {
        self.id = id
        self.audience = audience
        self.priority = priority
        self.title = title
        self.body = body
        self.publishAt = publishAt
        self.expireAt = expireAt
    }
}
