import Foundation
import MadoguchiDomain
import MadoguchiServices

/// Which listeners `serve` starts.
public enum SiteSelection: String, Sendable, CaseIterable {
    case all, resident, staff
}

/// What the sites need to know about their deployment: listeners, TLS, proxies, staff hours,
/// streams. The business settings are `service`'s; they read through as if they were this
/// struct's own (`configuration.maxUploadBytes`), so one value configures a whole process.
@dynamicMemberLookup
public struct SiteConfiguration: Sendable {
    public var service = ServiceConfiguration()
    public var host = "127.0.0.1"
    public var residentPort = 8080
    public var staffPort = 8081
    public var site: SiteSelection = .all
    /// Cookies get `Secure` (and the `__Host-` prefix) and responses get HSTS. TLS terminates at
    /// the load balancer or reverse proxy in front of the app (DESIGN: stateless instances behind
    /// a load balancer), which sets this through `MADOGUCHI_BEHIND_TLS=1`.
    public var tlsEnabled = false
    /// Proxies whose `X-Forwarded-For` names the real client (audit log, throttling).
    public var trustedProxies: Set<String> = []
    /// When the staff site is open (F2); nil means always (tests, trial use).
    public var staffHours: StaffHours? = StaffHours()
    /// Staff with `system.manage` may work outside the hours (maintenance, emergencies).
    public var staffHoursExemptAdministrators = true
    /// `/metrics` answers a scraper with `Authorization: Bearer <token>` or a signed-in staff
    /// member with system management; anyone else gets 401 (#13), unless `metricsOpen`.
    public var metricsToken: String?
    /// Lets anyone read `/metrics` (a trial on one machine: `MADOGUCHI_METRICS_OPEN=1`).
    public var metricsOpen = false
    /// HTTP limits of both listeners (#13): open connections, how long a request's headers may
    /// take, how long a body may pause, how long an idle connection stays open.
    public var maxConnections = 1000
    /// Other origins (a LINE mini-app, the city's app) whose pages may write through the public
    /// API, exactly as browsers send them: `https://app.example.lg.jp`.
    public var publicAPIOrigins: Set<String> = []
    public var headerTimeoutSeconds = 10
    public var bodyIdleTimeoutSeconds = 30
    public var idleTimeoutSeconds = 60
    /// Largest form body the sites read (uploads have their own limit).
    public var maxFormBytes = 1 << 20
    /// A live day-view stream ends after this long; the browser reconnects with Last-Event-ID.
    public var liveStreamSeconds = 600
    /// Comment lines keep idle streams open through proxies.
    public var liveHeartbeatSeconds = 20

    public init() {}

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<ServiceConfiguration, T>) -> T {
        get { service[keyPath: keyPath] }
        set { service[keyPath: keyPath] = newValue }
    }

    /// Applies `MADOGUCHI_*` environment variables on top of the defaults.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> SiteConfiguration {
        var c = SiteConfiguration()
        c.service = ServiceConfiguration.fromEnvironment(environment)
        if let v = environment["MADOGUCHI_STAFF_HOURS"] {
            if v == "always" { c.staffHours = nil } else if let (open, close) = StaffHours.window(v) {
                c.staffHours?.opensAt = open
                c.staffHours?.closesAt = close
            }
        }
        if environment["MADOGUCHI_STAFF_CLOSED_AFTER_THIRD_SATURDAY"] == "0" { c.staffHours?.closedAfterThirdSaturday = false }
        if environment["MADOGUCHI_STAFF_YEAR_END_CLOSURE"] == "0" { c.staffHours?.yearEndClosure = false }
        if environment["MADOGUCHI_STAFF_HOURS_EXEMPT_ADMINS"] == "0" { c.staffHoursExemptAdministrators = false }
        if let v = environment["MADOGUCHI_METRICS_TOKEN"], !v.isEmpty { c.metricsToken = v }
        if environment["MADOGUCHI_METRICS_OPEN"] == "1" { c.metricsOpen = true }
        if let v = environment["MADOGUCHI_PUBLIC_API_ORIGINS"] {
            c.publicAPIOrigins = Set(v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        func int(_ key: String) -> Int? { environment[key].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } }
        if let v = int("MADOGUCHI_MAX_CONNECTIONS") { c.maxConnections = v }
        if let v = int("MADOGUCHI_HEADER_TIMEOUT_SECONDS") { c.headerTimeoutSeconds = v }
        if let v = int("MADOGUCHI_BODY_IDLE_SECONDS") { c.bodyIdleTimeoutSeconds = v }
        if let v = int("MADOGUCHI_IDLE_TIMEOUT_SECONDS") { c.idleTimeoutSeconds = v }
        if let v = environment["MADOGUCHI_TRUSTED_PROXIES"] {
            c.trustedProxies = Set(v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        if let v = environment["MADOGUCHI_BEHIND_TLS"], ["1", "true", "yes"].contains(v.lowercased()) { c.tlsEnabled = true }
        return c
    }
}
