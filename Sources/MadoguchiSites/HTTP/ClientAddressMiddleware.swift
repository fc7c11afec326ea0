import HTTPTypes
import Hummingbird
import MadoguchiServices

/// The first middleware of each site: says which site the request is on, and who the client
/// is. Behind a load balancer every request comes from the balancer; when the peer is a
/// configured trusted proxy, the client is the last address it appended to `X-Forwarded-For`.
/// Headers from anyone else are ignored, so a client cannot choose the address written to the
/// audit log or counted by the rate limits.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let site: Caller.Site
    let trustedProxies: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.site = site
        if trustedProxies.contains(context.sourceAddress),
           let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
           let client = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !client.isEmpty {
            context.sourceAddress = client
        }
        return try await next(request, context)
    }
}
