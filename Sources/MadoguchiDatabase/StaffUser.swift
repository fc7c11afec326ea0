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
}

/// A role and the permissions it grants.
public struct Role: Sendable, Codable, Equatable {
    public var name: String
    public var label: String
    public var description: String
    public var permissions: [String]
}
