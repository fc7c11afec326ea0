import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import MadoguchiServices

/// The two sites as Hummingbird applications. `serve` runs them; tests call the same builders, so
/// the app under test is the app that ships. Each controller gets only the desks it uses.
public enum Sites {
    /// The staff site (LGWAN): every staff page and the `/api/v1` JSON API.
    public static func staffRouter(_ env: SiteEnvironment) throws -> (Router<AppRequestContext>, RouteCatalog) {
        let (c, d, r) = (env.configuration, env.desks, env.renderer)
        let clock = d.clock
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(site: .staff, trustedProxies: c.trustedProxies))
        router.add(middleware: AccessLogMiddleware(site: "staff", metrics: env.metrics))
        router.add(middleware: SecurityHeadersMiddleware(tlsEnabled: c.tlsEnabled))
        router.add(middleware: ErrorMiddleware(renderer: r))
        router.add(middleware: DatabaseGateMiddleware(health: d.operations.databaseHealth))
        router.add(middleware: AuthenticationMiddleware(accounts: d.accounts, tls: c.tlsEnabled))
        router.add(middleware: StaffHoursMiddleware(hours: c.staffHours, exemptAdministrators: c.staffHoursExemptAdministrators, clock: clock, renderer: r))
        router.add(middleware: MaintenanceMiddleware(schedule: d.operations.schedule, clock: clock, renderer: r, site: "staff"))
        let guardian = RouteGuard(accounts: d.accounts, configuration: c)
        var catalog = RouteCatalog()
        for routes in [
            HealthController(operations: d.operations, site: "staff").routes,
            MetricsController(operations: d.operations, metrics: env.metrics, token: c.metricsToken, open: c.metricsOpen).routes,
            AssetsController(assets: env.assets).routes,
            // accounts
            LoginController(accounts: d.accounts, renderer: r, configuration: c).routes,
            SecondFactorController(accounts: d.accounts, renderer: r, configuration: c).routes,
            HomeController(accounts: d.accounts, operations: d.operations, renderer: r, clock: clock).routes,
            AccountController(accounts: d.accounts, renderer: r).routes,
            UserAdminController(accounts: d.accounts, renderer: r, clock: clock).routes,
            try ApiController(accounts: d.accounts).routes,
            // bookings
            BookingsDayController(booking: d.booking, slots: d.slots, renderer: r, clock: clock, configuration: c).routes,
            BookingController(booking: d.booking, slots: d.slots, mail: d.mail, renderer: r, clock: clock).routes,
            SlotAdminController(slots: d.slots, renderer: r, clock: clock).routes,
            SlotApiController(slots: d.slots, clock: clock).routes,
            BookingApiController(booking: d.booking).routes,
            // applicants, documents, intake
            ApplicantsController(archive: d.archive, intake: d.intake, renderer: r, clock: clock).routes,
            ArchiveApiController(archive: d.archive, maxUploadBytes: c.maxUploadBytes).routes,
            RedactionController(archive: d.archive, renderer: r).routes,
            IntakeController(intake: d.intake, archive: d.archive, renderer: r, clock: clock).routes,
            // card ledger
            LedgerListController(ledger: d.ledger, renderer: r, clock: clock).routes,
            LedgerCardController(ledger: d.ledger, cardReader: d.cardReader, renderer: r).routes,
            LedgerScanController(ledger: d.ledger, renderer: r).routes,
            LedgerImportController(ledger: d.ledger, renderer: r, maxUploadBytes: c.maxUploadBytes).routes,
            StoragePlacesController(ledger: d.ledger, slots: d.slots, renderer: r).routes,
            RegistryController(ledger: d.ledger, renderer: r).routes,
            ContactConsentsController(contacts: d.contacts, renderer: r).routes,
            RenewalOutreachController(outreach: d.outreach, renderer: r, clock: clock).routes,
            LedgerApiController(ledger: d.ledger, maxUploadBytes: c.maxUploadBytes).routes,
            LedgerCardReadController(ledger: d.ledger, cardReader: d.cardReader, renderer: r, handoverCardCheck: d.configuration.handoverCardCheck).routes,
            CardTerminalApiController(cardReader: d.cardReader).routes,
            // statistics and operations
            StatisticsController(statistics: d.statistics, renderer: r, clock: clock).routes,
            AuditController(audit: d.audit, renderer: r).routes,
            NoticesController(operations: d.operations, renderer: r, clock: clock).routes,
            MailTemplatesController(templates: d.mailTemplates, renderer: r).routes,
            MaintenanceController(operations: d.operations, renderer: r, clock: clock).routes,
            StatusController(operations: d.operations, renderer: r, clock: clock).routes,
        ] {
            guardian.register(routes, on: router, catalog: &catalog)
        }
        MethodNotAllowed.register(catalog, on: router)
        return (router, catalog)
    }

    /// The resident site (internet): booking pages and the public API only, never a staff route.
    public static func residentRouter(_ env: SiteEnvironment) -> (Router<AppRequestContext>, RouteCatalog) {
        let (c, d, r) = (env.configuration, env.desks, env.renderer)
        let clock = d.clock
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(site: .resident, trustedProxies: c.trustedProxies))
        router.add(middleware: AccessLogMiddleware(site: "resident", metrics: env.metrics))
        router.add(middleware: SecurityHeadersMiddleware(tlsEnabled: c.tlsEnabled))
        router.add(middleware: PublicAPICORSMiddleware(allowedOrigins: c.publicAPIOrigins))
        router.add(middleware: ErrorMiddleware(renderer: r))
        router.add(middleware: DatabaseGateMiddleware(health: d.operations.databaseHealth))
        router.add(middleware: MaintenanceMiddleware(schedule: d.operations.schedule, clock: clock, renderer: r, site: "resident"))
        let guardian = RouteGuard(accounts: d.accounts, configuration: c)
        var catalog = RouteCatalog()
        for routes in [
            HealthController(operations: d.operations, site: "resident").routes,
            AssetsController(assets: env.assets).routes,
            ResidentBookingController(booking: d.booking, slots: d.slots, operations: d.operations, renderer: r, clock: clock, tls: c.tlsEnabled).routes,
            ResidentReservationController(booking: d.booking, renderer: r, clock: clock, tls: c.tlsEnabled).routes,
            CardStatusController(cardStatus: d.cardStatus, renderer: r, tls: c.tlsEnabled).routes,
            MailStopController(contacts: d.contacts, renderer: r, tls: c.tlsEnabled).routes,
            PublicApiController(booking: d.booking, slots: d.slots, clock: clock).routes,
        ] {
            guardian.register(routes, on: router, catalog: &catalog)
        }
        MethodNotAllowed.register(catalog, on: router)
        return (router, catalog)
    }

    public static func staffApplication(_ env: SiteEnvironment) throws -> some ApplicationProtocol {
        let (router, _) = try staffRouter(env)
        return Application(router: router, server: server(env.configuration),
                           configuration: listener(env.configuration, port: env.configuration.staffPort), logger: env.logger)
    }

    public static func residentApplication(_ env: SiteEnvironment) -> some ApplicationProtocol {
        let (router, _) = residentRouter(env)
        return Application(router: router, server: server(env.configuration),
                           configuration: listener(env.configuration, port: env.configuration.residentPort), logger: env.logger)
    }

    /// HTTP/1.1 with the deadlines of #13: headers within `headerTimeoutSeconds`, body pauses
    /// within `bodyIdleTimeoutSeconds`, idle connections closed after `idleTimeoutSeconds`.
    public static func server(_ c: SiteConfiguration) -> HTTPServerBuilder {
        let (header, body) = (TimeAmount.seconds(Int64(c.headerTimeoutSeconds)), TimeAmount.seconds(Int64(c.bodyIdleTimeoutSeconds)))
        return .http1(configuration: .init(
            additionalChannelHandlers: [RequestDeadlineHandler(headerTimeout: header, bodyIdleTimeout: body)],
            idleTimeout: .seconds(Int64(c.idleTimeoutSeconds))))
    }

    /// The listening socket: at most `maxConnections` open at once (further clients wait in the
    /// backlog instead of exhausting the process's file descriptors).
    public static func listener(_ c: SiteConfiguration, port: Int) -> ApplicationConfiguration {
        .init(address: .hostname(c.host, port: port), serverName: "madoguchi", backlog: 1024,
              availableConnectionsDelegate: MaximumAvailableConnections(c.maxConnections))
    }
}
