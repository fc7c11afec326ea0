import HTTPTypes
import Hummingbird

/// Behind a load balancer every request comes from the balancer; when the peer is a configured
/// trusted proxy, the client is the last address it appended to `X-Forwarded-For`. Headers from
/// anyone else are ignored, so a client cannot choose the address written to the audit log.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let trustedProxies: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if trustedProxies.contains(context.sourceAddress),
           let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
           let client = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !client.isEmpty {
            context.sourceAddress = client
        }
        return try await next(request, context)
    }
}
