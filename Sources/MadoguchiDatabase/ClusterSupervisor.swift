import Foundation
import Logging
import MadoguchiProcess

/// Keeps the private PostgreSQL running while `serve` runs (#19): when its postmaster dies (killed,
/// out of memory), it is started again, after 1, 2, 4, 8 s between failed attempts. The pools
/// reconnect by themselves and the health probe lifts the sites' 503s, so the app need not restart.
public struct ClusterSupervisor: Sendable {
    let cluster: PrivateCluster
    let logger: Logger
    let interval: Duration
    /// Called after each restart that worked (the `/metrics` counter).
    let restarted: @Sendable () -> Void

    public init(cluster: PrivateCluster, logger: Logger, interval: Duration = .seconds(1), restarted: @escaping @Sendable () -> Void = {}) {
        self.cluster = cluster
        self.logger = logger
        self.interval = interval
        self.restarted = restarted
    }

    /// Watches until cancelled.
    public func run() async {
        var backoff: Duration = .seconds(1)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled, !cluster.isRunning() else { continue }
            logger.error("private PostgreSQL is not running: starting it again")
            do {
                // pg_ctl blocks for a few seconds: off the cooperative pool, which keeps serving 503s.
                let cluster = cluster, logger = logger
                _ = try await OffPool.run { try cluster.start(logger: logger) }
                logger.notice("private PostgreSQL started again")
                restarted()
                backoff = .seconds(1)
            } catch {
                logger.error("private PostgreSQL did not start: trying again", metadata: ["error": "\(error)", "in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(8))
            }
        }
    }
}
