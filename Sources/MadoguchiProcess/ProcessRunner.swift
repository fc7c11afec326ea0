import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs an external program (the PostgreSQL tools, a PDF page worker, a test's helper) and
/// collects its output.
///
/// Uses `posix_spawn` and `waitpid` rather than Foundation's `Process`, for two reasons seen on
/// this machine. Foundation notices a child's end through a socket the child inherits, so when
/// the child starts a daemon (`pg_ctl start`) or another thread spawns one at the same moment,
/// that daemon holds the socket and `waitUntilExit` never returns. And every child here starts
/// with only its three standard descriptors (`closefrom`), so no daemon we start keeps a
/// listening socket, a pipe or another child's socket open for ever.
public enum ProcessRunner {
    public struct Result: Sendable {
        /// The exit code, or 128 + the signal that ended the program.
        public var status: Int32
        /// The signal that ended the program (a processor-time limit: SIGXCPU or SIGKILL).
        public var signal: Int32?
        public var output: String
    }

    /// `run` on a thread of its own: a child that takes seconds must not hold one of the few
    /// threads Swift concurrency runs every task on (on 2 cores, two such waits stall everything).
    public static func runOffPool(_ arguments: [String], asUser user: String? = nil, environment: [String: String]? = nil,
                                  workingDirectory: String? = nil, input: String? = nil, errors: Errors = .merged) async throws -> Result {
        try await OffPool.run {
            try run(arguments, asUser: user, environment: environment, workingDirectory: workingDirectory, input: input, errors: errors)
        }
    }

    /// Where the program's standard error goes.
    public enum Errors: Sendable {
        /// Into `output`, after its standard output.
        case merged
        /// Nowhere (a tool whose warnings would spoil the output being read).
        case discarded
    }

    /// Runs `arguments[0]` with the rest as its arguments, as `user` when given (root only);
    /// `input` is a file for its standard input.
    @discardableResult
    public static func run(_ arguments: [String], asUser user: String? = nil, environment: [String: String]? = nil,
                           workingDirectory: String? = nil, input: String? = nil, errors: Errors = .merged) throws -> Result {
        // `env --chdir` sets the working directory: the server user must be able to enter it.
        var argv = ["/usr/bin/env", "--chdir=\(workingDirectory ?? "/")"] + arguments
        if let user {
            argv = ["/usr/sbin/runuser", "-u", user, "--"] + argv
        }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-\(UUID().uuidString).out").path
        defer { unlink(outputPath) }
        let pid = try spawn(argv, environment: environment, input: input ?? "/dev/null", output: outputPath,
                            errors: errors == .merged ? nil : "/dev/null")
        let waitStatus = waitForExit(pid)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let signal: Int32? = (waitStatus & 0x7f) == 0 ? nil : waitStatus & 0x7f
        return Result(status: signal.map { 128 + $0 } ?? (waitStatus >> 8) & 0xff, signal: signal, output: output)
    }

    /// Blocks until `pid` has ended and returns its wait status.
    static func waitForExit(_ pid: pid_t) -> Int32 {
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) == -1 && errno == EINTR {}
        return waitStatus
    }

    /// Starts `argv` with standard input from `input`, standard output to `output` (appended when
    /// `append`) and standard error to `errors` (or with the output), and nothing else open.
    static func spawn(_ argv: [String], environment: [String: String]?, input: String, output: String, errors: String? = nil,
                      append: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o644)
        if let errors {
            posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        closeTheRest(&actions)
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(argv) { cArgs in
            withCStrings(env) { cEnv in posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv) }
        }
        guard status == 0 else { throw ProcessRunError(command: argv.joined(separator: " "), reason: String(cString: strerror(status))) }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+): every descriptor from 3 up is
    /// closed in the child. Swift's Glibc module does not declare it, so it is looked up by name.
    static func closeTheRest(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = closeFromSymbol else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }

    // RTLD_DEFAULT (NULL in glibc): the symbol wherever the process has it.
    nonisolated(unsafe) static let closeFromSymbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")

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
        _ = try spawn(["/usr/bin/setsid"] + arguments, environment: nil, input: "/dev/null", output: "/dev/null")
    }
}

/// A program that could not be started at all.
public struct ProcessRunError: Error, CustomStringConvertible {
    public let command: String
    public let reason: String
    public var description: String { "\(command): \(reason)" }
}
