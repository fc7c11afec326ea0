import Foundation
import Synchronization

/// The process's own counters for `/metrics` (F5), in Prometheus text format. Figures that all
/// instances share (locked accounts, blob bytes, database size) are read from PostgreSQL at
/// scrape time instead, so every instance reports the same truth.
public final class AppMetrics: Sendable {
    struct State {
        var requests: [String: Int] = [:]            // labels → count
        var durationBuckets: [String: [Int]] = [:]   // route labels → cumulative bucket counts
        var durationSum: [String: Double] = [:]
        var durationCount: [String: Int] = [:]
        var logins: [String: Int] = [:]              // outcome → count
        var personalDataViews: [String: Int] = [:]   // audit action → count
    }

    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private let state = Mutex(State())

    public init() {}

    func recordRequest(site: String, method: String, route: String, status: Int, seconds: Double) {
        let labels = "site=\"\(site)\",method=\"\(method)\",route=\"\(Self.escape(route))\",status=\"\(status)\""
        let routeLabels = "site=\"\(site)\",route=\"\(Self.escape(route))\""
        state.withLock { s in
            s.requests[labels, default: 0] += 1
            var counts = s.durationBuckets[routeLabels] ?? Array(repeating: 0, count: Self.buckets.count)
            for (i, bound) in Self.buckets.enumerated() where seconds <= bound { counts[i] += 1 }
            s.durationBuckets[routeLabels] = counts
            s.durationSum[routeLabels, default: 0] += seconds
            s.durationCount[routeLabels, default: 0] += 1
        }
    }

    func recordLogin(outcome: String) {
        state.withLock { $0.logins[outcome, default: 0] += 1 }
    }

    func recordPersonalDataView(action: String) {
        state.withLock { $0.personalDataViews[action, default: 0] += 1 }
    }

    /// The exposition text; `gauges` are the shared figures read for this scrape.
    func render(gauges: [(name: String, help: String, value: Double)]) -> String {
        let s = state.withLock { $0 }
        var out = ""
        out += "# HELP madoguchi_http_requests_total HTTP requests by site, method, route pattern and status.\n"
        out += "# TYPE madoguchi_http_requests_total counter\n"
        for (labels, count) in s.requests.sorted(by: { $0.key < $1.key }) { out += "madoguchi_http_requests_total{\(labels)} \(count)\n" }
        out += "# HELP madoguchi_http_request_duration_seconds Time to answer, by site and route pattern.\n"
        out += "# TYPE madoguchi_http_request_duration_seconds histogram\n"
        for (labels, counts) in s.durationBuckets.sorted(by: { $0.key < $1.key }) {
            for (i, bound) in Self.buckets.enumerated() {
                out += "madoguchi_http_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(counts[i])\n"
            }
            out += "madoguchi_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(s.durationCount[labels] ?? 0)\n"
            out += "madoguchi_http_request_duration_seconds_sum{\(labels)} \(s.durationSum[labels] ?? 0)\n"
            out += "madoguchi_http_request_duration_seconds_count{\(labels)} \(s.durationCount[labels] ?? 0)\n"
        }
        out += "# HELP madoguchi_login_attempts_total Staff login attempts by outcome.\n# TYPE madoguchi_login_attempts_total counter\n"
        for (outcome, count) in s.logins.sorted(by: { $0.key < $1.key }) { out += "madoguchi_login_attempts_total{outcome=\"\(outcome)\"} \(count)\n" }
        out += "# HELP madoguchi_personal_data_views_total Views of personal data (audited reads) by action.\n"
        out += "# TYPE madoguchi_personal_data_views_total counter\n"
        for (action, count) in s.personalDataViews.sorted(by: { $0.key < $1.key }) {
            out += "madoguchi_personal_data_views_total{action=\"\(action)\"} \(count)\n"
        }
        for gauge in gauges {
            out += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n\(gauge.name) \(gauge.value)\n"
        }
        return out
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
