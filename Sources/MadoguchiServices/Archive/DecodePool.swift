import Foundation
import MadoguchiProcess
import MadoguchiDatabase
import MadoguchiDomain

/// The few slots in which uploaded images are decoded, masked and rendered (#13). Decoding is
/// heavy (a 300 dpi page takes tens of milliseconds, a crafted file much longer), so it runs on
/// its own threads, `workers` at a time, and never on the request threads or the thread pool
/// that hashes passwords. Further uploads wait in a short queue; when the queue is full, or the
/// wait passes `maxWait`, the request is refused with 503 and tried again later by the client
/// — other pages and APIs are never held up behind a decode.
public actor DecodePool {
    public let workers: Int
    public let queueLimit: Int
    public let maxWait: Duration
    var running = 0
    /// Decodes running and waiting now (for the status page and tests).
    public var load: (running: Int, waiting: Int) { (running, waiting.count) }
    var waiting: [(id: UUID, continuation: CheckedContinuation<Void, any Error>)] = []

    public init(workers: Int, queueLimit: Int, maxWait: Duration) {
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
        self.maxWait = maxWait
    }

    /// Runs `work` on a decoding thread when a slot is free.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        do {
            let result = try await OffPool.run(work)
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    func acquire() async throws {
        if running < workers {
            running += 1
            return
        }
        guard waiting.count < queueLimit else { throw ServiceBusy.decoding }
        let id = UUID()
        let timeout = Task { [maxWait] in
            try await Task.sleep(for: maxWait)
            self.expire(id)
        }
        defer { timeout.cancel() }
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((id, continuation))
        }
    }

    func expire(_ id: UUID) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: ServiceBusy.decoding)
    }

    func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            // The slot passes straight to the next in line.
            waiting.removeFirst().continuation.resume()
        }
    }
}
