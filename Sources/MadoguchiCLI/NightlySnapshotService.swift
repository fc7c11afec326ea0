import Foundation
import Logging
import MadoguchiJobs
import ServiceLifecycle

/// Runs the nightly snapshot from inside `serve`: checks once a minute whether tonight's
/// snapshot is due (see NightlySnapshots for the once-a-night rule across instances).
struct NightlySnapshotService: Service {
    let nightly: NightlySnapshots
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await nightly.tick(now: Date())
            } catch {
                // Logged by the job and recorded in job_run; the status page and /metrics show the age.
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
            } catch {
                return
            }
        }
    }
}
