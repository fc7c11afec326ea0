import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Who may call a route.
public enum Access: Sendable, Equatable {
    /// No sign-in needed (login page, health check, assets, the resident site's pages and API).
    case anyone
    /// Anyone, but a POST must carry the double-submit CSRF token its page was given (the resident
    /// site's forms: residents have no session).
    case residentForm
    /// Any signed-in staff member (home, own password).
    case signedIn
    /// Signed in and holding the permission through a role.
    case permission(Permission)
    /// Half signed in: a session at this stage (waiting for its second factor, or for the
    /// enrolment a role requires), and nothing else (#13).
    case signingIn(SessionStage)

    var needsIdentity: Bool { self == .signedIn || { if case .permission = self { true } else { false } }() }
}

/// A controller's routes, each with the access it needs. Registering goes through one guard, so
/// no staff route can exist without a role check, and the test suite can enumerate every route
/// (`RouteCatalog`) to check the whole role matrix.
public struct GuardedRoutes: Sendable {
    public typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response

    public struct Route: Sendable {
        public let method: HTTPRequest.Method
        public let path: String
        public let access: Access
        let handler: Handler
    }

    public private(set) var routes: [Route] = []

    public init() {}

    public func get(_ path: String, _ access: Access, use handler: @escaping Handler) -> Self {
        adding(.get, path, access, handler)
    }

    public func post(_ path: String, _ access: Access, use handler: @escaping Handler) -> Self {
        adding(.post, path, access, handler)
    }

    public func delete(_ path: String, _ access: Access, use handler: @escaping Handler) -> Self {
        adding(.delete, path, access, handler)
    }

    func adding(_ method: HTTPRequest.Method, _ path: String, _ access: Access, _ handler: @escaping Handler) -> Self {
        var copy = self
        copy.routes.append(Route(method: method, path: path, access: access, handler: handler))
        return copy
    }
}

/// What was registered on a site, for the role-matrix test and the OpenAPI check.
public struct RouteCatalog: Sendable {
    public struct Entry: Sendable {
        public let method: HTTPRequest.Method
        public let path: String
        public let access: Access
    }

    public private(set) var entries: [Entry] = []

    mutating func add(_ route: GuardedRoutes.Route) {
        entries.append(Entry(method: route.method, path: route.path, access: route.access))
    }
}

/// Adds routes to a router behind the access guard and, for writes, the body reader and the
/// CSRF check (the session's token for staff, the double-submit cookie for resident forms).
struct RouteGuard: Sendable {
    let accounts: AccountDesk
    let configuration: SiteConfiguration

    func register(_ routes: GuardedRoutes, on router: Router<AppRequestContext>, catalog: inout RouteCatalog) {
        for route in routes.routes {
            catalog.add(route)
            router.on(RouterPath(route.path), method: route.method) { request, context in
                try await run(route, request: request, context: context)
            }
        }
    }

    func run(_ route: GuardedRoutes.Route, request: Request, context: AppRequestContext) async throws -> Response {
        var context = context
        let isAPI = request.uri.path.hasPrefix("/api/")
        let routeName = "\(route.method.rawValue) \(route.path)"
        if route.access.needsIdentity {
            guard let identity = context.identity else {
                if isAPI { throw AppError.unauthorized }
                let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
                // Half signed in: back to the step that is missing.
                switch context.session?.stage {
                case .mfa: return Responses.redirect("/login/mfa?next=" + next)
                case .enrol: return Responses.redirect("/login/mfa-setup?next=" + next)
                default: break
                }
                var location = "/login?next=" + next
                if context.sessionExpired { location += "&expired=1" }
                return Responses.redirect(location)
            }
            // A reset password must be replaced before anything else is done with the account,
            // in the browser and through the API alike (#13).
            if identity.mustChangePassword, !["/account/password", "/logout"].contains(route.path) {
                if isAPI { throw AppError.forbidden }
                return Responses.redirect("/account/password")
            }
            if case .permission(let permission) = route.access, !identity.has(permission) {
                try await accounts.recordRefusal("access.denied", route: routeName, detail: permission.rawValue, caller: context.caller)
                throw AppError.forbidden
            }
        }
        if case .signingIn(let stage) = route.access, context.session?.stage != stage {
            if isAPI { throw AppError.unauthorized }
            return Responses.redirect(context.identity == nil ? "/login" : "/")
        }
        try EdgeText.check(path: request.uri.path, query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        guard route.method != .get, route.method != .head else { return try await route.handler(request, context) }
        if isAPI, context.site == .resident { try Self.checkPublicWrite(request, allowedOrigins: configuration.publicAPIOrigins) }
        var request = request
        let rawContentType = request.headers[.contentType] ?? ""
        let contentType = rawContentType.lowercased()
        // Only pages take forms. API bodies are JSON or a raw file, whatever Content-Type the
        // client sends (curl --data-binary says x-www-form-urlencoded), and are streamed.
        if !isAPI, contentType.hasPrefix("application/x-www-form-urlencoded") {
            let body = try await request.collectBody(upTo: configuration.maxFormBytes)
            context.form = FormData(urlEncoded: String(buffer: body))
        } else if !isAPI, route.access.needsIdentity, contentType.hasPrefix("multipart/form-data") {
            // Files only from signed-in staff whose role allows the route (checked above): an
            // anonymous request never gets a large body read.
            if let length = request.headers[.contentLength].flatMap(Int64.init), length > configuration.maxUploadBytes {
                throw AppError.payloadTooLarge
            }
            guard let boundary = MultipartBody.boundary(from: rawContentType) else { throw Self.unreadable }
            do {
                (context.form, context.files) = try await MultipartBody.read(request.body, boundary: boundary,
                                                                             limit: Int(configuration.maxUploadBytes))
            } catch is MultipartBody.Malformed {
                throw Self.unreadable
            }
        }
        if route.access == .residentForm {
            let cookie = request.cookies[ResidentPage.csrfCookie]?.value ?? ""
            guard !cookie.isEmpty, SecureToken.constantTimeEquals(context.form["_csrf"] ?? "", cookie) else { throw AppError.csrfRejected }
        } else if let session = context.session {
            // Bearer-token calls carry no ambient credentials, so only cookie sessions need the token.
            let presented = context.form["_csrf"] ?? request.headers[.xCSRFToken] ?? ""
            guard SecureToken.constantTimeEquals(presented, session.csrfToken) else {
                try await accounts.recordRefusal("csrf.rejected", route: routeName, caller: context.caller)
                throw AppError.csrfRejected
            }
        }
        try EdgeText.check(form: context.form, files: context.files)
        return try await route.handler(request, context)
    }

    /// The public API takes writes only as JSON from this site or a named origin (#13): a form on
    /// another page cannot post `text/plain` or form data to it (no CORS preflight would stop
    /// that), and a browser's `Origin` / `Sec-Fetch-Site` from elsewhere is refused.
    static func checkPublicWrite(_ request: Request, allowedOrigins: Set<String>) throws {
        let hasBody = request.headers[.contentLength].map { $0 != "0" } ?? (request.headers[.transferEncoding] != nil)
        let type = (request.headers[.contentType] ?? "").lowercased()
        if hasBody || request.method == .post, !(type.hasPrefix("application/json") || type.hasPrefix("application/problem+json")) {
            throw AppError.refused(status: .unsupportedMediaType, slug: "unsupported-media-type",
                                   message: "JSON（Content-Type: application/json）で送信してください。")
        }
        let host = request.head.authority ?? ""
        if let origin = request.headers[.origin] {
            let originHost = URLComponents(string: origin)?.host.map { h in URLComponents(string: origin)?.port.map { "\(h):\($0)" } ?? h } ?? ""
            if originHost != host, !allowedOrigins.contains(origin) {
                throw AppError.refused(status: .forbidden, slug: "cross-site-request", message: "ほかのサイトからの送信は受け付けていません。")
            }
        } else if request.headers[.secFetchSite] == "cross-site" {
            throw AppError.refused(status: .forbidden, slug: "cross-site-request", message: "ほかのサイトからの送信は受け付けていません。")
        }
    }

    static let unreadable = AppError.invalidInput([.init(field: "file", message: "送信された内容を読み取れませんでした。もう一度お試しください。")])
}
