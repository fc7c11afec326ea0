import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import Synchronization

/// The upcoming maintenance windows, re-read at most every 15 seconds: the check runs on every
/// request of both sites, and a window changes a few times a year. Changes made through this
/// instance take effect at once; other instances follow within the 15 seconds.
public final class MaintenanceSchedule: Sendable {
    private let store: MaintenanceStore
    private let cached = Mutex<(loadedAt: ContinuousClock.Instant, windows: [MaintenanceWindow])?>(nil)
    static let lifetime: Duration = .seconds(15)

    init(store: MaintenanceStore) {
        self.store = store
    }

    public func windows(now: Date) async throws -> [MaintenanceWindow] {
        if let entry = cached.withLock({ $0 }), ContinuousClock.now - entry.loadedAt < Self.lifetime {
            return entry.windows.filter { $0.endsAt > now }
        }
        let windows = try await store.upcoming(now: .distantPast)
        cached.withLock { $0 = (ContinuousClock.now, windows) }
        return windows.filter { $0.endsAt > now }
    }

    public func invalidate() {
        cached.withLock { $0 = nil }
    }
}
