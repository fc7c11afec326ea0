import Foundation
import Hummingbird
import MadoguchiDomain

/// Who may call a route.
public enum Access: Sendable, Equatable {
    /// No sign-in needed (login page, health check, assets).
    case anyone
    /// Any signed-in staff member (home, own password).
    case signedIn
    /// Signed in and holding the permission through a role.
    case permission(Permission)
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

/// Adds routes to a router behind the access guard and, for writes, the form reader and CSRF check.
struct RouteGuard: Sendable {
    let services: SiteServices

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
        if route.access != .anyone {
            guard let identity = context.identity else {
                if isAPI { throw AppError.unauthorized }
                var location = "/login?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
                if context.sessionExpired { location += "&expired=1" }
                return Responses.redirect(location)
            }
            // A reset password must be replaced before anything else is done with the account.
            if identity.mustChangePassword, !isAPI, !["/account/password", "/logout"].contains(route.path) {
                return Responses.redirect("/account/password")
            }
            if case .permission(let permission) = route.access, !identity.has(permission) {
                try await services.audit(context, action: "access.denied", recordType: "route",
                                         recordID: "\(route.method.rawValue) \(route.path)", result: .denied,
                                         detail: permission.rawValue)
                throw AppError.forbidden
            }
        }
        if route.method != .get, route.method != .head {
            var request = request
            // Only pages take forms. API bodies are JSON or a raw file, whatever Content-Type the
            // client sends (curl --data-binary says x-www-form-urlencoded), and are streamed.
            if !isAPI, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") ?? false {
                let body = try await request.collectBody(upTo: services.configuration.maxFormBytes)
                context.form = FormData(urlEncoded: String(buffer: body))
            } else if !isAPI, route.access != .anyone, let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") {
                // Files only from signed-in staff whose role allows the route (checked above): an
                // anonymous request never gets a large body read into memory.
                if let length = request.headers[.contentLength].flatMap(Int64.init), length > services.configuration.maxUploadBytes {
                    throw AppError.payloadTooLarge
                }
                let body: ByteBuffer
                do {
                    body = try await request.collectBody(upTo: Int(services.configuration.maxUploadBytes))
                } catch {
                    throw AppError.payloadTooLarge
                }
                guard let boundary = MultipartForm.boundary(from: type),
                      let multipart = MultipartForm(body: Data(buffer: body), boundary: boundary) else {
                    throw AppError.invalidInput([.init(field: "file", message: "送信された内容を読み取れませんでした。もう一度お試しください。")])
                }
                context.form = multipart.form
                context.files = multipart.files
            }
            // Bearer-token calls carry no ambient credentials, so only cookie sessions need the token.
            if let session = context.session {
                let presented = context.form["_csrf"] ?? request.headers[.xCSRFToken] ?? ""
                guard SecureToken.constantTimeEquals(presented, session.csrfToken) else {
                    try await services.audit(context, action: "csrf.rejected", recordType: "route",
                                             recordID: "\(route.method.rawValue) \(route.path)", result: .denied)
                    throw AppError.csrfRejected
                }
            }
            return try await route.handler(request, context)
        }
        return try await route.handler(request, context)
    }
}
