import Foundation

/// A staff account as the administration pages show it.
public struct StaffUser: Sendable, Codable, Equatable {
    public var id: Int64
    public var login: String
    public var displayName: String
    public var active: Bool
    public var failedLoginCount: Int
    public var lockedAt: Date?
    public var mustChangePassword: Bool
    public var lastLoginAt: Date?
    public var previousLoginAt: Date?
    public var previousLoginAddress: String?
    public var createdAt: Date
    public var roles: [String]

    public var isLocked: Bool { lockedAt != nil }

    public init(id: Int64, login: String, displayName: String, active: Bool, failedLoginCount: Int, lockedAt: Date? = nil, mustChangePassword: Bool, lastLoginAt: Date? = nil, previousLoginAt: Date? = nil, previousLoginAddress: String? = nil, createdAt: Date, roles: [String]) {
        self.id = id
        self.login = login
        self.displayName = displayName
        self.active = active
        self.failedLoginCount = failedLoginCount
        self.lockedAt = lockedAt
        self.mustChangePassword = mustChangePassword
        self.lastLoginAt = lastLoginAt
        self.previousLoginAt = previousLoginAt
        self.previousLoginAddress = previousLoginAddress
        self.createdAt = createdAt
        self.roles = roles
    }
}

/// A role and the permissions it grants.
public struct Role: Sendable, Codable, Equatable {
    public var name: String
    public var label: String
    public var description: String
    public var permissions: [String]

    public init(name: String, label: String, description: String, permissions: [String]) {
        self.name = name
        self.label = label
        self.description = description
        self.permissions = permissions
    }
}
