import Hummingbird
import MadoguchiServices

/// `GET /healthz` on both sites, for load balancers and monitoring (F5, F6).
struct HealthController {
    let operations: OperationsDesk
    let site: String

    struct Health: Encodable {
        let status: String
        let site: String
        let database: String
        let version: String
    }

    var routes: GuardedRoutes {
        GuardedRoutes().get("/healthz", .anyone) { _, _ in
            let up = await operations.isDatabaseUp()
            // 503 when the database is unreachable, so a load balancer takes this instance out.
            return try Responses.json(
                Health(status: up ? "ok" : "degraded", site: site, database: up ? "ok" : "unavailable", version: MadoguchiVersion.current),
                status: up ? .ok : .serviceUnavailable)
        }
    }
}
