import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices
import NIOCore

/// Per-request state: which site, who is asking, through which session, the parsed form, and
/// from where. Handlers pass `caller` to the desks; the HTTP request itself never leaves the site.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the first middleware of each router.
    public var site: Caller.Site = .staff
    /// Set by the authentication middleware from the session cookie or a bearer token.
    public var identity: StaffIdentity?
    /// The browser session, when the request came with a valid session cookie.
    public var session: StaffSession?
    /// True when the session cookie was present but had expired (shown on the login page).
    public var sessionExpired = false
    /// The URL-encoded or multipart form of a POST, read and CSRF-checked before the handler runs.
    public var form = FormData()
    /// Files of a `multipart/form-data` POST (the import, scan and upload pages), by field name.
    public var files: [String: [UploadedFile]] = [:]
    /// The client's address: the peer, or what a trusted proxy says in `X-Forwarded-For`.
    public var sourceAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sourceAddress = Self.address(of: source.channel)
    }

    /// Form posts are small; file uploads stream with their own limit.
    public var maxUploadSize: Int { 1 << 20 }

    /// The id shown on error pages and written in every log line of this request.
    public var requestID: String { id }

    /// Who is acting, for the desks and their audit rows.
    public var caller: Caller {
        // A half-signed-in session is named in the audit log, but holds no permission.
        let signingIn = session.map { StaffIdentity(userID: $0.identity.userID, login: $0.identity.login, displayName: $0.identity.displayName,
                                                    permissions: []) }
        return Caller(site: site, identity: identity ?? signingIn, sourceAddress: sourceAddress, requestID: requestID)
    }

    /// The first file posted under `name`.
    public func file(_ name: String) -> UploadedFile? { files[name]?.first }

    static func address(of channel: any Channel) -> String {
        switch channel.remoteAddress {
        case .v4(let a): return a.host
        case .v6(let a): return a.host
        case .unixDomainSocket: return "unix"
        case .none: return ""
        }
    }
}

/// A file part of a multipart form.
public struct UploadedFile: Sendable {
    public let filename: String
    public let contentType: String
    public let data: Data
}
