import Hummingbird
import MadoguchiServices

/// Finds out who is asking: an `Authorization: Bearer` API token (API paths only) or the session
/// cookie. It only identifies; each route's `Access` decides what is allowed.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: AccountDesk
    let tls: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let authorization = request.headers[.authorization], request.uri.path.hasPrefix("/api/") {
            guard authorization.lowercased().hasPrefix("bearer "),
                  let identity = try await accounts.identity(apiToken: String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            else { throw AppError.unauthorized }
            context.identity = identity
        } else if let token = request.cookies[SessionCookie.name(tls: tls)]?.value, !token.isEmpty {
            switch try await accounts.session(token: token) {
            case .valid(let session):
                context.session = session
                // Only a fully signed-in session acts as its owner (#13).
                if session.stage == .full { context.identity = session.identity }
            case .expired:
                context.sessionExpired = true
            case .none:
                break
            }
        }
        return try await next(request, context)
    }
}
