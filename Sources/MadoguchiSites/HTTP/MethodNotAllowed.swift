import HTTPTypes
import Hummingbird

/// A known address asked with a method it does not take (TRACE, PUT on a page): 405 with
/// `Allow`, not 404 (#19, RFC 9110 §15.5.6), so a client learns what the address does take.
struct MethodNotAllowed: Error, Sendable {
    let allowed: [HTTPRequest.Method]

    var allowHeader: String { allowed.map(\.rawValue).joined(separator: ", ") }

    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .trace]

    /// Registers the 405 answer for every method a catalogued path does not take, except where a
    /// parameterised path of that method could match it (GET `/a/:id` must still serve `/a/new`).
    static func register(_ catalog: RouteCatalog, on router: Router<AppRequestContext>) {
        let byPath = Dictionary(grouping: catalog.entries, by: \.path)
        for (path, entries) in byPath {
            var allowed = entries.map(\.method)
            if allowed.contains(.get) { allowed.append(.head) }
            for method in methods where !allowed.contains(method) {
                let others = catalog.entries.filter { $0.method == method && $0.path != path }
                guard !others.contains(where: { overlaps($0.path, path) }) else { continue }
                let refusal = MethodNotAllowed(allowed: allowed)
                router.on(RouterPath(path), method: method) { _, _ -> Response in throw refusal }
            }
        }
    }

    /// Whether two route patterns could match the same path.
    static func overlaps(_ a: String, _ b: String) -> Bool {
        let left = a.split(separator: "/"), right = b.split(separator: "/")
        guard left.count == right.count else { return left.last == "**" || right.last == "**" }
        return zip(left, right).allSatisfy { $0 == $1 || $0.hasPrefix(":") || $1.hasPrefix(":") || $0 == "*" || $1 == "*" }
    }
}
