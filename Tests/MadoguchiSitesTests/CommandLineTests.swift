import Foundation
import MadoguchiProcess
import Logging
import MadoguchiDatabase
import Testing

/// The shipped executable, run as an operator would.
@Suite("madoguchi command line")
struct CommandLineTests {
    static var binary: String {
        ProcessInfo.processInfo.environment["MADOGUCHI_BINARY"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/madoguchi").path
    }

    /// A storage folder whose private PostgreSQL is running, as after a first `serve`.
    /// initdb and pg_ctl take seconds: they run off the cooperative threads, which every other test needs.
    static func storageWithCluster(_ prefix: String) async throws -> (URL, PrivateCluster) {
        try await OffPool.run {
            let storage = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
            let cluster = try PrivateCluster(storage: storage, unsafeFastMode: true)
            try cluster.start(logger: Logger(label: "test"))
            return (storage, cluster)
        }
    }

    static func remove(_ storage: URL, _ cluster: PrivateCluster) {
        try? cluster.stop(logger: Logger(label: "test"))
        try? FileManager.default.removeItem(at: storage)
    }

    /// Runs the binary through a shell (for piping a password to --password-stdin).
    func madoguchi(_ arguments: String, stdin: String? = nil, storage: URL) async throws -> ProcessRunner.Result {
        let input = stdin.map { "printf '%s\\n' '\($0)' | " } ?? ""
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = nil
        environment["MADOGUCHI_LOG_LEVEL"] = "error"
        return try await ProcessRunner.runOffPool(["/bin/sh", "-c", "\(input)'\(Self.binary)' \(arguments) --storage '\(storage.path)'"],
                                     environment: environment, workingDirectory: storage.path)
    }

    @Test("seed bookings, then export them with conditions in UTF-8 and CP932; a bad option is refused")
    func seedAndExport() async throws {
        // setup
        let (storage, cluster) = try await Self.storageWithCluster("mdg-export")
        defer { Self.remove(storage, cluster) }
        #expect(try await madoguchi("seed bookings --count 3000 --years 1", storage: storage).status != 0, "needs the confirmation flag")
        let seed = try await madoguchi("seed bookings --count 3000 --years 1 --i-understand-this-adds-fake-data", storage: storage)
        #expect(seed.status == 0, "\(seed.output)")
        // act
        let all = try await madoguchi("export bookings --output all.csv", storage: storage)
        let noShows = try await madoguchi("export bookings --status no_show --encoding cp932 --output no-shows.csv", storage: storage)
        let bad = try await madoguchi("export bookings --status lost --output x.csv", storage: storage)
        // check
        #expect(all.status == 0, "\(all.output)")
        #expect(all.output.contains("3000 rows written"))
        let utf8 = try Data(contentsOf: storage.appendingPathComponent("all.csv"))
        #expect(Array(utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: utf8, as: UTF8.self).components(separatedBy: "\r\n").count == 3002)
        #expect(noShows.output.contains("300 rows written"), "\(noShows.output)")
        let cp932 = try Data(contentsOf: storage.appendingPathComponent("no-shows.csv"))
        #expect(cp932.prefix(3) != Data([0xEF, 0xBB, 0xBF]))
        #expect(String(data: cp932, encoding: .utf8) == nil, "Shift_JIS, not UTF-8")
        #expect(bad.status != 0)
        #expect(!FileManager.default.fileExists(atPath: storage.appendingPathComponent("x.csv").path))
    }

    @Test("snapshot create, list, verify; data changed; snapshot restore into a new storage folder gives the old data back")
    func snapshotFlow() async throws {
        // setup
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mdg-snapcli-\(UUID().uuidString.prefix(8))")
        let storage = base.appendingPathComponent("live"), restored = base.appendingPathComponent("restored")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let cluster = try PrivateCluster(storage: storage, unsafeFastMode: true)
        try await OffPool.run { try cluster.start(logger: Logger(label: "test")) }
        defer {
            try? cluster.stop(logger: Logger(label: "test"))
            try? FileManager.default.removeItem(at: base)
        }
        #expect(try await madoguchi("user create --login keep-me --role clerk --password-stdin", stdin: "kanda-river-at-dusk", storage: storage).status == 0)
        // act: snapshot
        let create = try await madoguchi("snapshot create", storage: storage)
        #expect(create.status == 0, "\(create.output)")
        let id = try #require(create.output.split(separator: "\n").last?.split(separator: "\t").first.map(String.init))
        #expect(try await madoguchi("snapshot list", storage: storage).output.contains(id))
        let verify = try await madoguchi("snapshot verify \(id)", storage: storage)
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("is intact"))
        // the data changes after the snapshot
        #expect(try await madoguchi("user create --login added-later --role clerk --password-stdin", stdin: "kanda-river-at-dawn", storage: storage).status == 0)
        // act: restore into a new, empty folder (its own private PostgreSQL)
        try FileManager.default.createDirectory(at: restored, withIntermediateDirectories: true)
        let restore = try await madoguchi("snapshot restore \(id) --snapshot-dir '\(storage.appendingPathComponent("snapshots").path)'", storage: restored)
        // check
        #expect(restore.status == 0, "\(restore.output)")
        #expect(restore.output.contains("every table's count and checksum match"))
        let users = try await madoguchi("user list", storage: restored).output
        #expect(users.contains("keep-me"))
        #expect(!users.contains("added-later"))
        // a restore into a folder that is not empty is refused
        let again = try await madoguchi("snapshot restore \(id) --snapshot-dir '\(storage.appendingPathComponent("snapshots").path)'", storage: restored)
        #expect(again.status != 0)
        // a damaged dump is reported
        let dump = storage.appendingPathComponent("snapshots/\(id)/database.dump")
        var bytes = try Data(contentsOf: dump)
        bytes[100] ^= 0xFF
        try bytes.write(to: dump)
        let damaged = try await madoguchi("snapshot verify \(id)", storage: storage)
        #expect(damaged.status == 1)
        #expect(damaged.output.contains("DAMAGED"))
    }

    @Test("migrate, user create, token create, then audit verify detects a row edited by hand")
    func operatorFlow() async throws {
        // setup: a storage folder whose cluster stays up between commands, as with a running server
        let (storage, cluster) = try await Self.storageWithCluster("mdg-cli")
        defer { Self.remove(storage, cluster) }

        // act / check
        let migrate = try await madoguchi("migrate", storage: storage)
        #expect(migrate.status == 0, "\(migrate.output)")
        #expect(migrate.output.contains("0001_foundation"))
        #expect(try await madoguchi("migrate", storage: storage).output.contains("up to date"))

        let weak = try await madoguchi("user create --login clerk9 --role clerk --password-stdin", stdin: "short", storage: storage)
        #expect(weak.status != 0)
        let create = try await madoguchi("user create --login clerk9 --role clerk --password-stdin", stdin: "kanda-river-at-dusk", storage: storage)
        #expect(create.status == 0, "\(create.output)")
        #expect(try await madoguchi("user list", storage: storage).output.contains("clerk9"))

        let token = try await madoguchi("token create --login clerk9 --name scanner-1 --scope documents.write", storage: storage)
        #expect(token.status == 0, "\(token.output)")
        #expect(token.output.hasPrefix("mdg_"))

        let verify = try await madoguchi("verify", storage: storage)
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("corrupt: 0, missing: 0, orphans: 0"))
        let gc = try await madoguchi("gc", storage: storage)
        #expect(gc.status == 0)
        #expect(gc.output.contains("0 orphan blob(s)"))

        #expect(try await madoguchi("location add --name 田無庁舎 --address 西東京市南町5-6-13", storage: storage).status == 0)
        #expect(try await madoguchi("location list", storage: storage).output.contains("田無庁舎"))

        let intact = try await madoguchi("audit verify", storage: storage)
        #expect(intact.status == 0)
        #expect(intact.output.contains("intact: 3 entries"))

        // act: edit one audit row by hand, as the acceptance check does
        // (since #13 the table refuses edits from every role: the insider first switches the trigger off)
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = cluster.passwords[PrivateCluster.superuser]
        let psql = try await ProcessRunner.runOffPool([cluster.tool("psql"), "-h", cluster.socketDirectory.path, "-U", PrivateCluster.superuser,
                                          "-d", "madoguchi", "-v", "ON_ERROR_STOP=1",
                                          "-c", "ALTER TABLE audit_log DISABLE TRIGGER USER",
                                          "-c", "UPDATE audit_log SET detail = 'nothing happened' WHERE id = 1"],
                                         asUser: cluster.serverUser, environment: environment)
        #expect(psql.status == 0, "\(psql.output)")
        let broken = try await madoguchi("audit verify", storage: storage)
        // check
        #expect(broken.status == 1)
        #expect(broken.output.contains("BROKEN at entry 1"))
    }

    /// psql as the private cluster's bootstrap superuser (the DBA), with its generated password.
    static func psql(_ cluster: PrivateCluster, _ statements: [String]) async throws -> ProcessRunner.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = cluster.passwords[PrivateCluster.superuser]
        return try await ProcessRunner.runOffPool([cluster.tool("psql"), "-h", cluster.socketDirectory.path, "-U", PrivateCluster.superuser, "-d", "madoguchi",
                                      "-v", "ON_ERROR_STOP=1", "-tA"] + statements.flatMap { ["-c", $0] },
                                     asUser: cluster.serverUser, environment: environment)
    }

    @Test("the private cluster wants passwords (0600 file), db roles reports least privilege, and deleting the newest three audit rows is detected")
    func rolesAndAnchors() async throws {
        // setup
        let (storage, cluster) = try await Self.storageWithCluster("mdg-roles")
        defer { Self.remove(storage, cluster) }
        #expect(try await madoguchi("user create --login clerk7 --role clerk --password-stdin", stdin: "kanda-river-at-dusk", storage: storage).status == 0)
        #expect(try await madoguchi("token create --login clerk7 --name scanner-2 --scope documents.write --expires-days 30", storage: storage).status == 0)
        #expect(try await madoguchi("user reset-password --login clerk7 --password-stdin", stdin: "kanda-river-at-noon", storage: storage).status == 0)

        // act / check: no trust rule, and a connection without the password is refused
        let hba = try String(contentsOf: cluster.dataDirectory.appendingPathComponent("pg_hba.conf"), encoding: .utf8)
        #expect(hba.split(separator: "\n").filter { !$0.hasPrefix("#") }.allSatisfy { !$0.contains("trust") })
        let noPassword = try await ProcessRunner.runOffPool([cluster.tool("psql"), "-h", cluster.socketDirectory.path, "-U", "madoguchi_staff", "-d", "madoguchi",
                                                "-w", "-c", "SELECT 1"], asUser: cluster.serverUser)
        #expect(noPassword.status != 0)
        let mode = try FileManager.default.attributesOfItem(atPath: ClusterPasswords.file(storage: storage).path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let roles = try await madoguchi("db roles", storage: storage)
        #expect(roles.status == 0, "\(roles.output)")
        #expect(roles.output.contains("madoguchi_resident\tresident (public) site\tnone"))
        let script = try await madoguchi("db roles --print-sql", storage: storage)
        #expect(script.output.contains("CREATE ROLE madoguchi_resident"))

        // the DBA (or an attacker with the owner's rights) removes the newest three rows
        let intact = try await madoguchi("audit verify", storage: storage)
        #expect(intact.status == 0, "\(intact.output)")
        let deleted = try await Self.psql(cluster, ["ALTER TABLE audit_log DISABLE TRIGGER USER",
                                              "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 3)"])
        #expect(deleted.status == 0, "\(deleted.output)")
        let broken = try await madoguchi("audit verify", storage: storage)
        #expect(broken.status == 1)
        #expect(broken.output.contains("BROKEN"))
        #expect(broken.output.contains("削除"))
        // later commands do not heal the anchor: it never moves backwards
        #expect(try await madoguchi("user list", storage: storage).status == 0)
        #expect(try await madoguchi("audit verify", storage: storage).status == 1)
    }
}
