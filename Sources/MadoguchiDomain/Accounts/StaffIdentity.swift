/// Who is acting: a signed-in staff member or an API token's owner, with the permissions their
/// roles grant at this moment (roles are re-read on every request, so a change takes effect at once).
public struct StaffIdentity: Sendable, Equatable {
    public let userID: Int64
    public let login: String
    public let displayName: String
    public let permissions: Set<Permission>
    public let mustChangePassword: Bool

    public init(userID: Int64, login: String, displayName: String, permissions: Set<Permission>, mustChangePassword: Bool = false) {
        self.userID = userID
        self.login = login
        self.displayName = displayName
        self.permissions = permissions
        self.mustChangePassword = mustChangePassword
    }

    public func has(_ permission: Permission) -> Bool {
        permissions.contains(permission)
    }
}
