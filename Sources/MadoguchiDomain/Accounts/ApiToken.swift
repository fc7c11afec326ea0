import Foundation

public struct ApiToken: Sendable, Codable {
    public var id: Int64
    public var login: String
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var expiresAt: Date?
    public var revokedAt: Date?
    /// The permissions the token may use (at most its owner's).
    public var scopes: [String]

    public init(id: Int64, login: String, name: String, createdAt: Date, lastUsedAt: Date? = nil, expiresAt: Date? = nil, revokedAt: Date? = nil,
                scopes: [String] = []) {
        self.scopes = scopes
        self.id = id
        self.login = login
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
