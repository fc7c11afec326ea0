import Foundation
import MadoguchiProcess
import PostgresNIO

/// The libpq settings for running pg_dump / pg_restore / psql against the app's database: the
/// private cluster's socket, or the `DATABASE_URL` as given (so sslmode and certificates hold).
public struct PostgresToolConnection: Sendable, Equatable {
    /// Passed as `--dbname`: a connection URI or a plain database name.
    public var dbname: String
    /// PGHOST, PGPORT, PGUSER, PGPASSWORD as needed.
    public var environment: [String: String]

    public init(dbname: String, environment: [String: String] = [:]) {
        self.dbname = dbname
        self.environment = environment
    }

    /// From a connection URL (`DATABASE_URL`). The password moves to PGPASSWORD: a URL on a
    /// command line is readable by every local user through the process list.
    public init(url: String) {
        guard var components = URLComponents(string: url), let password = components.password else {
            self.init(dbname: url)
            return
        }
        components.password = nil
        self.init(dbname: components.string ?? url, environment: ["PGPASSWORD": password.removingPercentEncoding ?? password])
    }

    /// From the pool's settings: a Unix socket (private cluster, tests) or host and port.
    public init?(_ configuration: PostgresClient.Configuration) {
        var environment = ["PGUSER": configuration.username]
        if let password = configuration.password { environment["PGPASSWORD"] = password }
        if let socket = configuration.unixSocketPath {
            let url = URL(fileURLWithPath: socket)
            environment["PGHOST"] = url.deletingLastPathComponent().path
            environment["PGPORT"] = String(url.lastPathComponent.split(separator: ".").last ?? "5432")
        } else if let host = configuration.host {
            environment["PGHOST"] = host
            environment["PGPORT"] = String(configuration.port ?? 5432)
        } else {
            return nil
        }
        self.init(dbname: configuration.database ?? "postgres", environment: environment)
    }

    /// The same server, another database (for restoring into a fresh one).
    public func database(_ name: String) -> PostgresToolConnection {
        if dbname.contains("://"), var components = URLComponents(string: dbname) {
            components.path = "/" + name
            return PostgresToolConnection(dbname: components.string ?? dbname, environment: environment)
        }
        return PostgresToolConnection(dbname: name, environment: environment)
    }

    /// Runs a PostgreSQL tool off the concurrency pool (a dump takes minutes).
    public func runDetached(_ tool: String, _ arguments: [String]) async throws -> String {
        try await OffPool.run { try self.run(tool, arguments) }
    }

    /// Runs a PostgreSQL tool with these settings; throws with its output when it fails.
    @discardableResult
    public func run(_ tool: String, _ arguments: [String]) throws -> String {
        let bin = try PrivateCluster.findBinDirectory().appendingPathComponent(tool).path
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let result = try ProcessRunner.run([bin] + arguments, environment: env)
        guard result.status == 0 else {
            throw DatabaseError.clusterCommandFailed(command: tool, output: String(result.output.suffix(2000)))
        }
        return result.output
    }
}
