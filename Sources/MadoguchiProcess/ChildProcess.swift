import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A program that runs beside this one until it is stopped (a site under test, the card agent):
/// started like `ProcessRunner.run`, with its output and errors appended to one file, and
/// stopped with a bounded wait, so that a child that ignores SIGTERM cannot hang its caller.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let ended = Mutex<Int32?>(nil)

    /// Starts `arguments` (the program's path first) with `environment` (this process's when nil).
    public init(_ arguments: [String], environment: [String: String]? = nil, output: String = "/dev/null") throws {
        pid = try ProcessRunner.spawn(arguments, environment: environment, input: "/dev/null", output: output, append: true)
    }

    /// The wait status once the program has ended, without waiting.
    public var exitStatus: Int32? {
        ended.withLock { status in
            if status == nil {
                var waitStatus: Int32 = 0
                if waitpid(pid, &waitStatus, WNOHANG) == pid { status = waitStatus }
            }
            return status
        }
    }

    public var isRunning: Bool { exitStatus == nil }

    /// Asks the program to end (SIGTERM), waits up to `grace`, then kills it; returns its exit code
    /// (128 + signal when a signal ended it).
    @discardableResult
    public func stop(grace: Duration = .seconds(10)) async -> Int32 {
        if isRunning { Glibc.kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + grace
        while isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if isRunning {
            Glibc.kill(pid, SIGKILL)
            while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
        let status = exitStatus ?? 0
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Kills the program at once if it still runs, and reaps it: for a `defer`, where no waiting
    /// for a graceful end is possible (SIGKILL ends a program within moments, whatever it does).
    public func kill() {
        guard isRunning else { return }
        Glibc.kill(pid, SIGKILL)
        ended.withLock { status in
            var waitStatus: Int32 = 0
            while waitpid(pid, &waitStatus, 0) == -1 && errno == EINTR {}
            status = waitStatus
        }
    }
}
