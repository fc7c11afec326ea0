import CoreMetrics
import Foundation
import Metrics
import Prometheus

/// The process's metrics for `/metrics` (F5), kept with swift-metrics in a Prometheus registry:
/// requests and their latency by route pattern, and whatever the desks count (logins, reads of
/// personal data). The figures all instances share are read from PostgreSQL at scrape time
/// and written as gauges beside them.
public final class SiteMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Where the desks' counters go.
    public let factory: PrometheusMetricsFactory

    public init() {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// One answered request. The route pattern, not the path, keeps the label set small.
    func recordRequest(site: String, method: String, route: String, status: Int, duration: Duration) {
        Counter(label: "madoguchi_http_requests_total",
                dimensions: [("site", site), ("method", method), ("route", route), ("status", String(status))], factory: factory).increment()
        Timer(label: "madoguchi_http_request_duration_seconds", dimensions: [("site", site), ("route", route)], factory: factory)
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// The exposition text with `gauges` (this scrape's shared figures) set first.
    func render(gauges: [(name: String, help: String, value: Double)]) -> String {
        for gauge in gauges { registry.makeGauge(name: gauge.name, help: gauge.help).set(gauge.value) }
        return registry.emitToString()
    }
}
