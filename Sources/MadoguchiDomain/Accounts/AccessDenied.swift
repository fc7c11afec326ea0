/// A caller without the permission a desk's operation needs (HTTP 403). The route guard checks
/// every route first; desks check again where one operation needs more than its route.
public struct AccessDenied: Error, Sendable, Equatable {
    public let permission: Permission

    public init(permission: Permission) {
        self.permission = permission
    }
}
