import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs an external program (the PostgreSQL tools) and collects its output.
///
/// Uses `posix_spawn` and `waitpid` rather than Foundation's `Process`: `pg_ctl start` leaves a
/// server running that inherits the parent's descriptors, and `Process` on Linux then never
/// notices that `pg_ctl` itself has exited. Here we wait for the child's own pid, and its output
/// goes to a temporary file.
public enum ProcessRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    /// `run` on a thread of its own: a child that takes seconds must not hold one of the few
    /// threads Swift concurrency runs every task on (on 2 cores, two such waits stall everything).
    public static func runOffPool(_ arguments: [String], asUser user: String? = nil, environment: [String: String]? = nil,
                                  workingDirectory: String? = nil) async throws -> Result {
        try await OffPool.run { try run(arguments, asUser: user, environment: environment, workingDirectory: workingDirectory) }
    }

    /// Runs `arguments[0]` with the rest as its arguments, as `user` when given (root only).
    @discardableResult
    public static func run(_ arguments: [String], asUser user: String? = nil, environment: [String: String]? = nil,
                           workingDirectory: String? = nil) throws -> Result {
        // `env --chdir` sets the working directory: the server user must be able to enter it.
        var argv = ["/usr/bin/env", "--chdir=\(workingDirectory ?? "/")"] + arguments
        if let user {
            argv = ["/usr/sbin/runuser", "-u", user, "--"] + argv
        }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-\(UUID().uuidString).out").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(argv) { cArgs in
            withCStrings(env) { cEnv in
                posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
            }
        }
        guard status == 0 else {
            throw DatabaseError.clusterCommandFailed(command: argv.joined(separator: " "), output: String(cString: strerror(status)))
        }
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) == -1 && errno == EINTR {}
        let exitCode: Int32 = (waitStatus & 0x7f) == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: exitCode, output: output)
    }

    /// Calls `body` with a NULL-terminated C array of the strings, valid only during the call.
    static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}

extension ProcessRunner {
    /// Starts a program in its own session and does not wait for it (a watchdog that must
    /// outlive, and notice the end of, the current process).
    public static func spawnDetached(_ arguments: [String]) throws {
        let argv = ["/usr/bin/setsid"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let env = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(argv) { cArgs in
            withCStrings(env) { cEnv in posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv) }
        }
        guard status == 0 else {
            throw DatabaseError.clusterCommandFailed(command: argv.joined(separator: " "), output: String(cString: strerror(status)))
        }
    }
}
