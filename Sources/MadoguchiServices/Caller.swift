import Foundation
import MadoguchiDomain

/// Who asks a desk to act: a staff member (signed in, or an API token's owner), a resident on
/// the public site, or an operator at the command line; from which address, under which request
/// id. Desks take this value instead of an HTTP request, so the same rule runs for a page, the
/// API, the CLI and background workers, and every audit row names its actor the same way.
public struct Caller: Sendable {
    public enum Site: String, Sendable {
        case resident, staff, command
    }

    public var site: Site
    public var identity: StaffIdentity?
    public var sourceAddress: String
    public var requestID: String

    public init(site: Site, identity: StaffIdentity? = nil, sourceAddress: String = "", requestID: String = "") {
        self.site = site
        self.identity = identity
        self.sourceAddress = sourceAddress
        self.requestID = requestID
    }

    /// An operator's command (imports, snapshots, verify, user administration): audited as
    /// `cli:<OS user>`, from the machine itself.
    public static func command(_ name: String = NSUserName()) -> Caller {
        Caller(site: .command, sourceAddress: "cli", requestID: "cli-\(getpid())").named("cli:\(name)")
    }

    /// Work the server does by itself (first start, nightly jobs, the outbox): audited as `system`.
    public static let system = Caller(site: .command, sourceAddress: "local", requestID: "system").named("system")

    /// The name written as the audit row's actor.
    public var login: String { commandLogin ?? identity?.login ?? "anonymous" }
    public var userID: Int64? { identity?.userID }
    public var isResident: Bool { site == .resident }

    public func has(_ permission: Permission) -> Bool { identity?.has(permission) ?? false }

    private var commandLogin: String?

    /// The same actor working on behalf of `request`'s request (its id in the audit row).
    func at(_ request: Caller) -> Caller {
        var copy = self
        copy.requestID = request.requestID
        copy.sourceAddress = ""
        return copy
    }

    func named(_ login: String) -> Caller {
        var copy = self
        copy.commandLogin = login
        return copy
    }
}
