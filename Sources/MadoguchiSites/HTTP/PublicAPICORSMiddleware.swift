import HTTPTypes
import Hummingbird

/// CORS for the public booking API, for the origins named in `MADOGUCHI_PUBLIC_API_ORIGINS`
/// only (a city portal that embeds the booking form). Without it a browser on such an origin
/// would send the preflight and stop. No cookies cross: the API takes none.
struct PublicAPICORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedOrigins: Set<String>
    static var prefix: String { "/api/v1/public/" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix(Self.prefix), let origin = request.headers[.origin], allowedOrigins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var response = Response(status: .noContent)
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlAllowMethods] = "GET, POST, DELETE"
            response.headers[.accessControlAllowHeaders] = "Content-Type, Idempotency-Key, X-Birth-Date"
            response.headers[.accessControlMaxAge] = "600"
            response.headers[.vary] = "Origin"
            return response
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = "Location, Retry-After, X-Request-Id"
        response.headers[.vary] = "Origin"
        return response
    }
}
