import ArgumentParser
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
        try await database.withDatabase(logger: logger) { database in
            let metrics = SiteMetrics()
            let desks = try Desks(configuration: siteConfiguration.service, database: database, blobs: blobs,
                                  metrics: metrics.factory)
            try await desks.firstStart.seedAdministrator()
            if demo { try await desks.firstStart.seedDemoStaff() }
            let environment = try await SiteEnvironment(configuration: siteConfiguration, desks: desks, metrics: metrics, logger: logger)
            var runnable: [any Service] = [SessionPurger(accounts: desks.accounts, ledger: desks.ledger, logger: logger)]
            if let nightly = desks.operations.nightlySnapshots(logger: logger) {
                runnable.append(NightlySnapshotService(nightly: nightly, logger: logger))
            }
            if siteConfiguration.site != .staff {
                runnable.append(Sites.residentApplication(environment))
                print("resident site: http://\(siteConfiguration.host):\(siteConfiguration.residentPort)/")
            }
            if siteConfiguration.site != .resident {
                runnable.append(try Sites.staffApplication(environment))
                print("staff site:    http://\(siteConfiguration.host):\(siteConfiguration.staffPort)/login")
            }
            fflush(nil)
            let group = ServiceGroup(configuration: .init(
                services: runnable.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            logger.info("shut down")
        }
    }
}

/// Deletes expired sessions every ten minutes, so the table does not grow with abandoned logins,
/// and checked imports nobody confirmed within their hour (they hold personal data).
struct SessionPurger: Service {
    let accounts: AccountDesk
    let ledger: LedgerDesk
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do { try await accounts.purgeExpiredSessions() } catch { logger.warning("session purge failed", metadata: ["error": "\(error)"]) }
            do { try await ledger.purgeExpiredUploads() } catch { logger.warning("import upload purge failed", metadata: ["error": "\(error)"]) }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(600)) }
            } catch {
                return
            }
        }
    }
}
