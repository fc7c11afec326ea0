import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// `GET /metrics` on the staff listener (F5), Prometheus text format. The scraper sends
/// `MADOGUCHI_METRICS_TOKEN` as a bearer token; a signed-in staff member with system management
/// may look too; anyone else gets 401 unless the deployment opened it (`MADOGUCHI_METRICS_OPEN`).
struct MetricsController {
    let operations: OperationsDesk
    let metrics: SiteMetrics
    let token: String?
    let open: Bool

    var routes: GuardedRoutes {
        GuardedRoutes().get("/metrics", .anyone) { request, context in
            let scraper = token.map { SecureToken.constantTimeEquals(request.headers[.authorization] ?? "", "Bearer \($0)") } ?? false
            guard open || scraper || context.identity?.has(.systemManage) == true else { throw AppError.unauthorized }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            let text = metrics.render(gauges: try await operations.sharedGauges())
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
