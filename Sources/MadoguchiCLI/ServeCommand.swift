import ArgumentParser
import CoreMetrics
import Foundation
import Logging
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiServices
import MadoguchiJobs
import MadoguchiDomain
import MadoguchiSites
import ServiceLifecycle

/// `madoguchi serve`: both sites (or one) on the private PostgreSQL or DATABASE_URL.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the resident site and the staff site.",
        discussion: """
            Without DATABASE_URL, starts (or reuses) the private PostgreSQL cluster in <storage>/postgres,
            applies the migrations, creates the first administrator on an empty database, and serves until
            SIGINT or SIGTERM, then stops the cluster it started.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(name: .customLong("resident-port"), help: "Port of the resident (public) site.") var residentPort = 8080
    @Option(name: .customLong("staff-port"), help: "Port of the staff (LGWAN) site.") var staffPort = 8081
    @Option(help: "Which site(s) to run: all, resident or staff.") var site: String = "all"
    @Flag(help: "Also create demo staff accounts (trial use only).") var demo = false

    func validate() throws {
        guard SiteSelection(rawValue: site) != nil else { throw ValidationError("--site must be all, resident or staff") }
        guard (1...65535).contains(residentPort), (1...65535).contains(staffPort) else { throw ValidationError("ports must be 1-65535") }
        guard residentPort != staffPort || site != "all" else { throw ValidationError("the two sites need different ports") }
    }

    func run() async throws {
        MadoguchiCommand.bootstrapLogging(defaultLevel: .info)
        let logger = Logger(label: "madoguchi")
        var configuration = SiteConfiguration.fromEnvironment()
        configuration.host = host
        configuration.residentPort = residentPort
        configuration.staffPort = staffPort
        configuration.site = SiteSelection(rawValue: site) ?? .all
        configuration.storageDirectory = database.storageURL
        if configuration.snapshotDirectory == nil { configuration.snapshotDirectory = database.storageURL.appendingPathComponent("snapshots") }
        let siteConfiguration = configuration
        let demo = demo
        let blobs = try database.blobStore()
        if let bucket = blobs as? S3BlobStore {
            // A wrong key or a missing bucket stops the start with the reason, not the first upload.
            try await bucket.checkAccess()
            logger.info("blob store", metadata: ["backend": "s3", "location": "\(bucket.location.description)"])
        }
        let secrets = try database.secrets()
        if BreachedPasswordList.shared == nil {
            logger.warning("breached-password list not found: new passwords are checked against the built-in short list only (set MADOGUCHI_PASSWORD_LIST)")
        }
        let server = try await database.server(logger: logger)
        defer { server.stop(logger: logger) }
        if siteConfiguration.site != .resident {
            try await database.migrate(on: server, logger: logger)
        }
        // Each site gets its own pool, as its own database role (#13).
        let metrics = SiteMetrics()
        var pools: [Database] = []
        var runnable: [any Service] = []
        func desks(_ role: DatabaseRole) throws -> Desks {
            let pool = try server.database(role, logger: logger)
            pools.append(pool)
            return try Desks(configuration: siteConfiguration.service, database: pool, blobs: blobs, secrets: secrets, role: role,
                             metrics: metrics.factory)
        }
        let staffDesks = siteConfiguration.site == .resident ? nil : try desks(.staff)
        let residentDesks = siteConfiguration.site == .staff ? nil : try desks(.resident)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for pool in pools {
                group.addTask { await pool.client.run() }
                // The probe behind the sites' fast 503s while the database is away.
                group.addTask { await pool.health.monitor(pool, every: .milliseconds(500)) }
            }
            // A private cluster this process started is restarted if its postmaster dies (#19).
            if server.started, let cluster = server.cluster {
                let factory = metrics.factory
                group.addTask {
                    await ClusterSupervisor(cluster: cluster, logger: logger, restarted: {
                        Counter(label: "madoguchi_database_restarts_total", factory: factory).increment()
                    }).run()
                }
            }
            defer { group.cancelAll() }
            // Let the pools' tasks start before the first query (PostgresNIO warns otherwise).
            for _ in 0..<8 { await Task.yield() }
            if let staffDesks { try await PrivilegeCheck.staffRoleIsLeast(staffDesks, logger: logger) }
            if let residentDesks {
                try await PrivilegeCheck.residentRoleIsLeast(residentDesks, logger: logger)
                runnable.append(Sites.residentApplication(try await SiteEnvironment(
                    configuration: siteConfiguration, desks: residentDesks, metrics: metrics, logger: logger)))
                print("resident site: http://\(siteConfiguration.host):\(siteConfiguration.residentPort)/")
            }
            if let staffDesks {
                try await staffDesks.audit.sealUnkeyedHead(caller: .system)
                try await staffDesks.firstStart.seedAdministrator()
                if demo { try await staffDesks.firstStart.seedDemoStaff() }
                if staffDesks.mail.isConfigured { runnable.append(MailWorker(mail: staffDesks.mail, logger: logger)) }
                runnable.append(Housekeeping(accounts: staffDesks.accounts, ledger: staffDesks.ledger, slots: staffDesks.slots,
                                             bookings: staffDesks.booking, cardReader: staffDesks.cardReader, logger: logger))
                if let nightly = staffDesks.operations.nightlySnapshots(logger: logger) {
                    runnable.append(NightlySnapshotService(nightly: nightly, logger: logger))
                }
                runnable.append(try Sites.staffApplication(try await SiteEnvironment(
                    configuration: siteConfiguration, desks: staffDesks, metrics: metrics, logger: logger)))
                print("staff site:    http://\(siteConfiguration.host):\(siteConfiguration.staffPort)/login")
            }
            // Every instance keeps a copy of the audit head, whichever site it runs.
            if let writer = (staffDesks ?? residentDesks)?.audit.anchorWriter() {
                runnable.append(AnchorService(writer: writer, logger: logger))
            }
            fflush(nil)
            let group = ServiceGroup(configuration: .init(
                services: runnable.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            logger.info("shut down")
        }
    }
}

/// Refuses to start the resident site on a connection that can read what it must not (#13): a
/// misconfigured URL must not quietly put every form and card behind the public host.
enum PrivilegeCheck {
    static let forbidden = ["applicant", "applicant_application", "document", "intake", "fee", "ledger_entry", "registry_person",
                            "staff_user", "staff_session", "api_token"]

    static func residentRoleIsLeast(_ desks: Desks, logger: Logger) async throws {
        let readable = try await desks.operations.readableTables(among: forbidden)
        guard readable.isEmpty else {
            throw ValidationError("""
                the resident site's database connection can read \(readable.joined(separator: ", ")): it must connect as \
                madoguchi_resident (MADOGUCHI_RESIDENT_DATABASE_URL), which cannot
                """)
        }
        logger.info("resident site connects with least privilege", metadata: ["checked": "\(forbidden.count) tables"])
    }

    /// The staff site runs as madoguchi_staff: DML only, the audit log append-only. The owner
    /// (DATABASE_URL) is for migrations; running the site on it would let a compromised host drop
    /// the audit triggers.
    static func staffRoleIsLeast(_ desks: Desks, logger: Logger) async throws {
        let excess = try await desks.operations.excessPrivileges()
        guard excess.isEmpty else {
            throw ValidationError("""
                the staff site's database connection \(excess.joined(separator: ", ")): it must connect as madoguchi_staff                 (MADOGUCHI_STAFF_DATABASE_URL; DATABASE_URL, the owner, is for migrations only)
                """)
        }
    }
}

/// The audit anchor writer as a service of the group.
struct AnchorService: Service {
    let writer: AuditAnchorWriter
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { await writer.run(logger: logger) }
    }
}

/// Every ten minutes: deletes expired sessions (the table must not grow with abandoned logins)
/// and checked imports nobody confirmed within their hour (they hold personal data), and card
/// reads older than a day (what the card said is in the ledger once recorded); plans the
/// slots ahead, so the resident site's calendar rolls forward without a staff member's visit.
struct Housekeeping: Service {
    let accounts: AccountDesk
    let ledger: LedgerDesk
    let slots: SlotDesk
    let bookings: BookingDesk
    let cardReader: CardReaderDesk
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do { try await accounts.purgeExpiredSessions() } catch { logger.warning("session purge failed", metadata: ["error": "\(error)"]) }
            do { try await ledger.purgeExpiredUploads() } catch { logger.warning("import upload purge failed", metadata: ["error": "\(error)"]) }
            do { try await slots.planAhead() } catch { logger.warning("slot planning failed", metadata: ["error": "\(error)"]) }
            do { try await bookings.purgeIdempotencyKeys() } catch { logger.warning("idempotency key purge failed", metadata: ["error": "\(error)"]) }
            do { try await cardReader.purgeOldReads() } catch { logger.warning("card-read purge failed", metadata: ["error": "\(error)"]) }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(600)) }
            } catch {
                return
            }
        }
    }
}

/// Every few seconds: sends what the outbox holds (#16). Each instance runs one; SKIP LOCKED
/// keeps them from sending a message twice.
struct MailWorker: Service {
    let mail: MailDesk
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var sent = 0
            do { sent = try await mail.deliverDue(logger: logger) } catch { logger.warning("mail round failed", metadata: ["error": "\(error)"]) }
            if sent > 0 { logger.info("mail sent", metadata: ["count": "\(sent)"]) }
            // A full round may mean more is waiting: the next round sooner.
            let pause = sent > 0 ? 1 : 5
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(pause)) }
            } catch {
                return
            }
        }
    }
}
