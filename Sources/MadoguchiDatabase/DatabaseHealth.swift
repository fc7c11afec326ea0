import Logging
import MadoguchiProcess
import PostgresNIO
import Synchronization

/// Whether the database answers, as one background probe sees it (#14, #19).
///
/// PostgresNIO's pool waits for a connection while the server is away (its circuit breaker trips
/// only after 60 s), so a request would hang through a failover. The probe (`monitor`) asks
/// `SELECT 1` every second: a refused or broken connection marks the database down at once, a
/// probe that gets no answer within its deadline twice in a row too (one slow answer under load
/// is not an outage). Before the query it checks that the server's socket or port accepts a
/// connection at all, so a dead server is seen within one interval. While down, the sites answer 503 at once, and requests already waiting
/// are released with 503 too (`whenDown`).
public final class DatabaseHealth: Sendable {
    struct State {
        var up = true
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var next: UInt64 = 0
    }

    let state = Mutex(State())

    public init() {}

    public var isUp: Bool { state.withLock { $0.up } }

    func set(up: Bool) {
        let released: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.up = up
            guard !up else { return [] }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in released { waiter.resume() }
    }

    /// Returns when the database is found down (at once if it is); a cancelled wait returns too.
    public func whenDown() async {
        let id: UInt64 = state.withLock { state in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.up || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// Probes until cancelled; logs each change.
    public func monitor(_ database: Database, every interval: Duration = .seconds(1), timeout: Duration = .seconds(2)) async {
        var silent = 0
        while !Task.isCancelled {
            // Nothing listening (killed, stopped, its socket gone): down at once, no query waits
            // in the pool to find that out.
            let listening: Bool
            if let endpoint = database.endpoint {
                listening = (try? await OffPool.run { endpoint.accepts() }) ?? false
            } else {
                listening = true
            }
            let probe = listening ? await database.probe(timeout: timeout) : .failed
            silent = probe == .noAnswer ? silent + 1 : 0
            let up = probe == .answered || (probe == .noAnswer && silent < 2)
            if up != isUp {
                if up { database.logger.notice("database reachable again") } else { database.logger.error("database unreachable: answering 503") }
            }
            set(up: up)
            try? await Task.sleep(for: interval)
        }
    }
}

/// Lets exactly one of two racing tasks resume a continuation.
final class FirstAnswer: Sendable {
    let taken = Mutex(false)

    func claim() -> Bool {
        taken.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }
}

extension Database {
    public enum Probe: Sendable, Equatable {
        case answered, failed, noAnswer
    }

    /// `SELECT 1` with a deadline: a pool waiting for a server that is away gives no answer.
    /// The deadline does not wait for the query to notice its cancellation (a lease waiting for a
    /// connection attempt may take its time): the first of the two answers is the result.
    public func probe(timeout: Duration) async -> Probe {
        let first = FirstAnswer()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Probe, Never>) in
            let query = Task {
                let answer: Probe = await self.ping() ? .answered : .failed
                if first.claim() { continuation.resume(returning: answer) }
            }
            Task {
                try? await Task.sleep(for: timeout)
                query.cancel()
                if first.claim() { continuation.resume(returning: .noAnswer) }
            }
        }
    }

    /// True when `SELECT 1` answers within `timeout`.
    public func ping(timeout: Duration) async -> Bool { await probe(timeout: timeout) == .answered }
}
