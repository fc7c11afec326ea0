import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// `GET /metrics` on the staff listener (F5), Prometheus text format. With
/// `MADOGUCHI_METRICS_TOKEN` set, the scraper must send it as a bearer token.
struct MetricsController {
    let operations: OperationsDesk
    let metrics: SiteMetrics
    let token: String?

    var routes: GuardedRoutes {
        GuardedRoutes().get("/metrics", .anyone) { request, _ in
            if let token, !SecureToken.constantTimeEquals(request.headers[.authorization] ?? "", "Bearer \(token)") { throw AppError.unauthorized }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            let text = metrics.render(gauges: try await operations.sharedGauges())
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
