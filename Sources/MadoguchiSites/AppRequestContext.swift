import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import NIOCore

/// Per-request state: who is asking, through which session, the parsed form, and where from.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication middleware from the session cookie or a bearer token.
    public var identity: StaffIdentity?
    /// The browser session, when the request came with a valid session cookie.
    public var session: StaffSession?
    /// True when the session cookie was present but had expired (shown on the login page).
    public var sessionExpired = false
    /// The URL-encoded form of a POST, read and CSRF-checked before the handler runs.
    public var form = FormData()
    /// Files of a `multipart/form-data` POST (the import and scan pages), by field name.
    var files: [String: MultipartForm.File] = [:]
    /// The client's address: the peer, or what a trusted proxy says in `X-Forwarded-For`.
    public var sourceAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sourceAddress = Self.address(of: source.channel)
    }

    /// Form posts are small; file uploads stream with their own limit (archive issue).
    public var maxUploadSize: Int { 1 << 20 }

    /// The id shown on error pages and written in every log line of this request.
    public var requestID: String { id }

    static func address(of channel: any Channel) -> String {
        switch channel.remoteAddress {
        case .v4(let a): return a.host
        case .v6(let a): return a.host
        case .unixDomainSocket: return "unix"
        case .none: return ""
        }
    }
}
