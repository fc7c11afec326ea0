import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// `GET /metrics` on the staff listener (F5), Prometheus text format. With
/// `MADOGUCHI_METRICS_TOKEN` set, the scraper must send it as a bearer token.
struct MetricsController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes().get("/metrics", .anyone) { request, _ in
            if let token = services.configuration.metricsToken,
               !SecureToken.constantTimeEquals(request.headers[.authorization] ?? "", "Bearer \(token)") {
                throw AppError.unauthorized
            }
            let db = services.database
            let up = await db.ping()
            var gauges: [(String, String, Double)] = [("madoguchi_database_up", "1 when PostgreSQL answers.", up ? 1 : 0)]
            if up {
                let figures = try await db.client.first("""
                    SELECT (SELECT count(*) FROM staff_user WHERE locked_at IS NOT NULL),
                           (SELECT coalesce(sum(size), 0)::bigint FROM blob),
                           (SELECT count(*) FROM blob),
                           pg_database_size(current_database()),
                           (SELECT count(*) FROM staff_session WHERE expires_at > now()),
                           (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()),
                           current_setting('max_connections')::int
                    """, as: (Int, Int64, Int, Int64, Int, Int, Int).self, logger: db.logger)
                if let (locked, blobBytes, blobs, size, sessions, connections, maxConnections) = figures {
                    // Connections of every instance's pool, against the server's limit: a pool
                    // that keeps growing towards the limit is the warning sign.
                    gauges += [("madoguchi_database_connections", "Connections to this database from all app instances.", Double(connections)),
                               ("madoguchi_database_max_connections", "The PostgreSQL server's connection limit.", Double(maxConnections))]
                    gauges += [("madoguchi_accounts_locked", "Staff accounts locked by wrong passwords.", Double(locked)),
                               ("madoguchi_blob_bytes", "Bytes of stored blobs (documents, previews, thumbnails).", Double(blobBytes)),
                               ("madoguchi_blobs", "Number of stored blobs.", Double(blobs)),
                               ("madoguchi_database_size_bytes", "Size of the PostgreSQL database.", Double(size)),
                               ("madoguchi_staff_sessions", "Staff sessions not yet expired.", Double(sessions))]
                }
                let runs = JobRunStore(database: db)
                if let snapshot = try await runs.latest(kind: "snapshot", okOnly: true), let finished = snapshot.finishedAt {
                    gauges.append(("madoguchi_snapshot_age_seconds", "Seconds since the last good snapshot finished.",
                                   services.clock.now().timeIntervalSince(finished).rounded()))
                }
                if let verify = try await runs.latest(kind: "verify") {
                    gauges.append(("madoguchi_verify_last_ok", "1 when the last archive verify found nothing corrupt or missing.",
                                   verify.status == "ok" ? 1 : 0))
                }
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            let text = services.metrics.render(gauges: gauges.map { (name: $0.0, help: $0.1, value: $0.2) })
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
