import Foundation
import Hummingbird
import Logging

/// One structured log line per request (F5): method, path, status, duration, who, from where, and
/// the request id that error pages show. Query strings are left out: they can carry search terms
/// with personal data.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let site: String
    let metrics: SiteMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        var metadata: Logger.Metadata = [
            "site": "\(site)", "method": "\(request.method.rawValue)", "path": "\(request.uri.path)",
            "status": "\(response.status.code)",
            "duration_ms": "\(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)",
        ]
        if let app = context as? AppRequestContext {
            metadata["remote"] = "\(app.sourceAddress)"
            if let login = app.identity?.login { metadata["user"] = "\(login)" }
        }
        context.logger.info("request", metadata: metadata)
        // The route pattern, not the path, keeps the label set small (no ids in labels).
        metrics.recordRequest(site: site, method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                              status: Int(response.status.code), duration: elapsed)
        return response
    }
}
