import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiServices

/// 503 with Retry-After at once while the database is away (a failover, a crash), instead of a
/// request hanging in the pool until the server is back (#14, #19). A request that is already
/// waiting when the probe finds the database down is released with the same 503; nothing it did
/// is committed (its transaction never reached COMMIT, or rolls back).
struct DatabaseGateMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let health: DatabaseHealth

    /// `next` may only run inside this call; the task group below ends before the call does.
    struct Unchecked<T>: @unchecked Sendable { let value: T }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Probes and the sign-in page stay reachable; /healthz says "unavailable" itself.
        if request.uri.path == "/healthz" || request.uri.path == "/metrics" || request.uri.path.hasPrefix("/assets/") {
            return try await next(request, context)
        }
        guard health.isUp else { throw ServiceBusy.database }
        return try await withoutActuallyEscaping(next) { next in
            let handler = Unchecked(value: next)
            return try await withThrowingTaskGroup(of: Unchecked<Response>?.self) { group in
                group.addTask { Unchecked(value: try await handler.value(request, context)) }
                group.addTask {
                    await health.whenDown()
                    return nil
                }
                defer { group.cancelAll() }
                do {
                    guard let first = try await group.next(), let response = first else { throw ServiceBusy.database }
                    return response.value
                } catch {
                    // A handler that failed because the database went away is a 503 too.
                    if !health.isUp { throw ServiceBusy.database }
                    throw error
                }
            }
        }
    }
}
