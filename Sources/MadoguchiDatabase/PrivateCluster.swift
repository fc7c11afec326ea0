import Foundation
import MadoguchiProcess
import Logging
import PostgresNIO

/// The embedded default database: a PostgreSQL cluster owned by the app under
/// `<storage>/postgres`, reachable only through a Unix socket inside that folder (no TCP port).
/// Every connection authenticates with scram-sha-256 and a generated password
/// (`ClusterPasswords`); the app connects as the role its job needs (`DatabaseRole`), and the
/// bootstrap superuser is used only to set the roles up.
///
/// PostgreSQL refuses to run as root, so when the app runs as root the cluster belongs to the
/// `postgres` OS user and every server command goes through `runuser`.
public struct PrivateCluster: Sendable {
    public let root: URL
    public let binDirectory: URL
    /// OS user that owns and runs the cluster; nil when it is the current user.
    public let serverUser: String?
    /// Trades durability for speed; only for throwaway test clusters.
    public let unsafeFastMode: Bool

    public static let superuser = "madoguchi"
    static let port = 5432
    /// The generated passwords of the superuser and the three roles.
    public let passwords: ClusterPasswords

    public var dataDirectory: URL { root.appendingPathComponent("data") }
    public var socketDirectory: URL { root.appendingPathComponent("run") }
    public var logFile: URL { root.appendingPathComponent("postgresql.log") }
    /// PID of the madoguchi process responsible for stopping the server.
    public var ownerFile: URL { root.appendingPathComponent("owner.pid") }
    public var socketPath: String { socketDirectory.appendingPathComponent(".s.PGSQL.\(Self.port)").path }

    public init(storage: URL, unsafeFastMode: Bool = false) throws {
        root = storage.appendingPathComponent("postgres").standardizedFileURL
        binDirectory = try Self.findBinDirectory()
        serverUser = geteuid() == 0 ? "postgres" : nil
        self.unsafeFastMode = unsafeFastMode
        passwords = try ClusterPasswords.loadOrCreate(storage: storage.standardizedFileURL,
                                                      roles: [Self.superuser] + DatabaseRole.allCases.map(\.name))
    }

    /// Connection settings for a database of this cluster, as one of the app's roles.
    public func configuration(database: String, role: DatabaseRole) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            unixSocketPath: socketPath, username: role.name, password: passwords[role.name], database: database)
        configuration.options.maximumConnections = 20
        return configuration
    }

    /// The bootstrap superuser's settings: only for creating databases and setting up roles.
    public func superuserConfiguration(database: String) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            unixSocketPath: socketPath, username: Self.superuser, password: passwords[Self.superuser], database: database)
        configuration.options.maximumConnections = 2
        return configuration
    }

    /// libpq's environment for the command-line tools run as the superuser.
    var toolEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = passwords[Self.superuser]
        return environment
    }

    /// Initialises the cluster when it does not exist, recovers from a stale lock after a crash,
    /// and starts the server unless one is already running on this data directory.
    /// Returns true when the caller now owns the server and should stop it: it started it, or
    /// adopted a server whose owning process has died (the app crashed and left it running).
    @discardableResult
    public func start(logger: Logger) throws -> Bool {
        guard socketPath.utf8.count <= 107 else { throw DatabaseError.socketPathTooLong(socketPath) }
        let fm = FileManager.default
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        try prepareOwnership(logger: logger)

        if !fm.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) {
            logger.info("initialising private PostgreSQL cluster", metadata: ["path": "\(dataDirectory.path)"])
            // initdb reads the superuser's password from a file the server user can read; it is
            // removed as soon as initdb has stored the scram verifier.
            let passwordFile = root.appendingPathComponent(".initdb-password")
            try writeServerReadable(passwords[Self.superuser] ?? "", to: passwordFile)
            defer { try? fm.removeItem(at: passwordFile) }
            try command([tool("initdb"), "-D", dataDirectory.path, "-U", Self.superuser, "--auth-local=scram-sha-256",
                         "--auth-host=scram-sha-256", "--pwfile=\(passwordFile.path)", "--encoding=UTF8", "--locale=C", "--no-instructions"])
            try writeSettings()
        }
        if isRunning() {
            if let owner = ownerPID(), owner != getpid(), Self.isMadoguchiProcess(owner) {
                logger.info("reusing private PostgreSQL run by another madoguchi process",
                            metadata: ["path": "\(dataDirectory.path)", "owner": "\(owner)"])
                return false
            }
            logger.warning("adopting private PostgreSQL left running by a process that has ended",
                           metadata: ["path": "\(dataDirectory.path)"])
            try writeOwner()
            return true
        }
        removeStaleLock(logger: logger)
        logger.info("starting private PostgreSQL", metadata: ["socket": "\(socketPath)"])
        try command([tool("pg_ctl"), "start", "-w", "-t", "60", "-D", dataDirectory.path, "-l", logFile.path])
        try writeOwner()
        try requirePasswords(logger: logger)
        return true
    }

    /// A cluster made by an earlier version trusted every local connection: give the superuser
    /// its password and switch the socket to scram-sha-256 (a reload, no restart).
    func requirePasswords(logger: Logger) throws {
        let hba = dataDirectory.appendingPathComponent("pg_hba.conf")
        let current = (try? String(contentsOf: hba, encoding: .utf8)) ?? ""
        let rules = current.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        guard rules.contains(where: { $0.split(whereSeparator: \.isWhitespace).last == "trust" }) else { return }
        logger.notice("switching the private PostgreSQL from trust to scram-sha-256 passwords")
        let script = root.appendingPathComponent(".set-password.sql")
        try writeServerReadable("ALTER ROLE \(Self.superuser) PASSWORD \(DatabaseRoles.literal(passwords[Self.superuser] ?? ""));\n", to: script)
        defer { try? FileManager.default.removeItem(at: script) }
        try command([tool("psql"), "-h", socketDirectory.path, "-U", Self.superuser, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
                     "-f", script.path])
        try writeServerReadable("""
            # set by madoguchi: every connection over the private socket needs its role's password
            local   all   all   scram-sha-256

            """, to: hba)
        try command([tool("pg_ctl"), "reload", "-D", dataDirectory.path])
    }

    /// Writes a file only the server's OS user can read (mode 0600, owned by it when we are root).
    func writeServerReadable(_ text: String, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw DatabaseError.clusterCommandFailed(command: "write \(url.path)", output: String(cString: strerror(errno))) }
        let data = Array(text.utf8)
        _ = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, data.count) }
        fchmod(fd, 0o600)
        if let user = serverUser, let pw = getpwnam(user) { fchown(fd, pw.pointee.pw_uid, pw.pointee.pw_gid) }
        close(fd)
    }

    func ownerPID() -> pid_t? {
        (try? String(contentsOf: ownerFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func writeOwner() throws {
        try "\(getpid())\n".write(to: ownerFile, atomically: true, encoding: .utf8)
    }

    static func isMadoguchiProcess(_ pid: pid_t) -> Bool {
        guard isAlive(pid) else { return false }
        let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
        return comm.lowercased().hasPrefix("madoguchi")
    }

    /// Stops the server (fast shutdown: open transactions are rolled back, data is safe).
    public func stop(logger: Logger) throws {
        try? FileManager.default.removeItem(at: ownerFile)
        guard isRunning() else { return }
        logger.info("stopping private PostgreSQL")
        try command([tool("pg_ctl"), "stop", "-w", "-t", "60", "-m", "fast", "-D", dataDirectory.path])
    }

    /// Whether a postmaster is alive for this data directory (`pg_ctl status`, plus a check that
    /// the PID in the lock file really is a PostgreSQL process and not a reused PID).
    /// Whether a live postmaster owns the data directory. A postmaster killed together with the
    /// app stays a zombie until someone reaps it (a container's PID 1 may never): it still has a
    /// PID and a name, but serves nothing, so it counts as stopped and the lock is cleared (#19).
    public func isRunning() -> Bool {
        guard let pid = lockFilePID(), Self.isAlive(pid) else { return false }
        let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
        return comm.hasPrefix("postgres") || comm.hasPrefix("postmaster")
    }

    /// The process exists and is not a zombie.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        if let state = stat.split(separator: ")").last?.split(separator: " ").first, state == "Z" { return false }
        return true
    }

    /// Creates `name` if it does not exist yet (owned by the owner role), creates or updates the
    /// three roles with their passwords, and hands an older database's objects to the owner.
    public func prepareDatabase(_ name: String, logger: Logger) async throws {
        try await Self.withClient(superuserConfiguration(database: "postgres"), logger: logger) { client in
            for statement in DatabaseRoles.roleStatements(password: { DatabaseRoles.literal(passwords[$0.name] ?? "") }) {
                try await client.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            let exists = try await client.first("SELECT 1 FROM pg_database WHERE datname = \(name)", as: (Int32).self, logger: logger) != nil
            if !exists {
                logger.info("creating database", metadata: ["database": "\(name)"])
                try await client.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(DatabaseRoles.quoted(name)) OWNER \(DatabaseRole.owner.name)"),
                                         logger: logger)
            }
            for statement in DatabaseRoles.databaseStatements(database: name) {
                try await client.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
        try await Self.withClient(superuserConfiguration(database: name), logger: logger) { client in
            for statement in DatabaseRoles.adoptionStatements() {
                try await client.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    /// Runs `body` with a short-lived pool.
    static func withClient<T: Sendable>(_ configuration: PostgresClient.Configuration, logger: Logger,
                                        _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            // Let the pool's task start before the first query (PostgresNIO warns otherwise).
            for _ in 0..<4 { await Task.yield() }
            return try await body(client)
        }
    }

    // MARK: - internals

    public func tool(_ name: String) -> String { binDirectory.appendingPathComponent(name).path }

    @discardableResult
    func command(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run(arguments, asUser: serverUser, environment: toolEnvironment, workingDirectory: root.path)
        guard result.status == 0 else {
            var output = result.output
            if arguments.contains("start"), let log = try? String(contentsOf: logFile, encoding: .utf8) {
                output += "\n--- postgresql.log (tail) ---\n" + log.split(separator: "\n").suffix(15).joined(separator: "\n")
            }
            throw DatabaseError.clusterCommandFailed(command: arguments.joined(separator: " "), output: output)
        }
        return result.output
    }

    func lockFilePID() -> pid_t? {
        let path = dataDirectory.appendingPathComponent("postmaster.pid").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let first = text.split(separator: "\n").first, let pid = pid_t(first.trimmingCharacters(in: .whitespaces))
        else { return nil }
        return pid
    }

    /// After a crash or power loss the lock files remain; PostgreSQL refuses to start if the PID
    /// they name has been reused by another process, so remove them once we know no postmaster
    /// owns this directory.
    func removeStaleLock(logger: Logger) {
        let fm = FileManager.default
        let pidFile = dataDirectory.appendingPathComponent("postmaster.pid").path
        if fm.fileExists(atPath: pidFile) {
            logger.warning("removing stale postmaster.pid left by an earlier crash", metadata: ["path": "\(pidFile)"])
            try? fm.removeItem(atPath: pidFile)
        }
        try? fm.removeItem(atPath: socketPath + ".lock")
        try? fm.removeItem(atPath: socketPath)
    }

    func writeSettings() throws {
        var settings = """

        # --- set by madoguchi: private cluster, Unix socket only ---
        listen_addresses = ''
        port = \(Self.port)
        unix_socket_directories = '\(socketDirectory.path)'
        unix_socket_permissions = 0700
        timezone = 'UTC'
        log_timezone = 'UTC'
        max_connections = \(unsafeFastMode ? 1000 : 100)

        """
        if unsafeFastMode {
            settings += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        }
        let conf = dataDirectory.appendingPathComponent("postgresql.conf").path
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: conf))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
    }

    /// When running as root: hand `<storage>/postgres` to the postgres user and make sure it can
    /// walk down to it. Parent folders get only the search (x) bit for others, never read.
    func prepareOwnership(logger: Logger) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
        guard let user = serverUser else {
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: root.path)
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: socketDirectory.path)
            return
        }
        guard let pw = getpwnam(user) else {
            throw DatabaseError.postgresNotInstalled("OS user \(user) does not exist")
        }
        let (uid, gid) = (pw.pointee.pw_uid, pw.pointee.pw_gid)
        for path in [root.path, socketDirectory.path] {
            chown(path, uid, gid)
            chmod(path, 0o700)
        }
        if let enumerator = fm.enumerator(atPath: root.path) {
            for case let relative as String in enumerator {
                let path = root.appendingPathComponent(relative).path
                var info = stat()
                if lstat(path, &info) == 0, info.st_uid != uid { lchown(path, uid, gid) }
            }
        }
        var directory = root.deletingLastPathComponent()
        while directory.path != "/" {
            var info = stat()
            if stat(directory.path, &info) == 0, info.st_mode & 0o001 == 0 {
                logger.notice("granting search permission so PostgreSQL can reach its folder",
                              metadata: ["path": "\(directory.path)"])
                chmod(directory.path, info.st_mode & 0o7777 | 0o001)
            }
            directory = directory.deletingLastPathComponent()
        }
    }

    /// The newest installed PostgreSQL (Debian keeps each major under /usr/lib/postgresql/N/bin),
    /// or `MADOGUCHI_PG_BIN`.
    public static func findBinDirectory() throws -> URL {
        let fm = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["MADOGUCHI_PG_BIN"] {
            return URL(fileURLWithPath: explicit)
        }
        let base = "/usr/lib/postgresql"
        let versions = ((try? fm.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let bin = URL(fileURLWithPath: "\(base)/\(version)/bin")
            if fm.isExecutableFile(atPath: bin.appendingPathComponent("pg_ctl").path) { return bin }
        }
        for candidate in ["/usr/local/pgsql/bin", "/usr/bin"] where fm.isExecutableFile(atPath: candidate + "/pg_ctl") {
            return URL(fileURLWithPath: candidate)
        }
        throw DatabaseError.postgresNotInstalled("pg_ctl not found under \(base)/*/bin")
    }
}
