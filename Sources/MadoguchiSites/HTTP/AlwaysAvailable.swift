/// Paths that answer even when the site is closed (staff hours) or stopped (maintenance):
/// load balancers and monitoring must see the instance, and exempt administrators must be able
/// to sign in.
enum AlwaysAvailable {
    static let paths: Set<String> = ["/healthz", "/metrics", "/login", "/login/mfa", "/login/mfa-setup", "/login/mfa/cancel",
                                     "/login/mfa-setup/cancel", "/logout"]

    static func contains(_ path: String) -> Bool {
        paths.contains(path) || path.hasPrefix("/assets/")
    }
}
