import Foundation

public struct ApiToken: Sendable, Codable {
    public var id: Int64
    public var login: String
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(id: Int64, login: String, name: String, createdAt: Date, lastUsedAt: Date? = nil, expiresAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.login = login
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
