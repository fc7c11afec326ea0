import Foundation

/// Blocking work (a child process, hashing a dump) run on a Dispatch thread, so that the few
/// cooperative threads of the concurrency pool keep serving requests meanwhile.
public enum OffPool {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
