import Foundation

/// Runs an external program (the PostgreSQL tools) and collects its output.
///
/// Output goes through a temporary file rather than a pipe: `pg_ctl start` leaves a server
/// running that could inherit a pipe and keep it open forever.
public enum ProcessRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    /// Runs `arguments[0]` with the rest as its arguments, as `user` when given (root only).
    @discardableResult
    public static func run(_ arguments: [String], asUser user: String? = nil, environment: [String: String]? = nil,
                           workingDirectory: String? = nil) throws -> Result {
        var argv = arguments
        if let user {
            argv = ["/usr/sbin/runuser", "-u", user, "--"] + argv
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        if let environment { process.environment = environment }
        // runuser and the server it starts must be able to enter the working directory.
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory ?? "/")
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let handle = try FileHandle(forWritingTo: outputURL)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? handle.close()
        let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, output: output)
    }
}
