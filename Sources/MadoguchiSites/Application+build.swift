import Foundation
import Hummingbird
import Logging
import MadoguchiDatabase

/// The two sites as Hummingbird applications. `serve` runs them; tests call the same builders, so
/// the app under test is the app that ships.
public enum Sites {
    /// The staff site (LGWAN): every staff page and the `/api/v1` JSON API.
    public static func staffRouter(_ services: SiteServices) throws -> (Router<AppRequestContext>, RouteCatalog) {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(trustedProxies: services.configuration.trustedProxies))
        router.add(middleware: AccessLogMiddleware(site: "staff", metrics: services.metrics))
        router.add(middleware: SecurityHeadersMiddleware(tlsEnabled: services.configuration.tlsEnabled))
        router.add(middleware: ErrorMiddleware(renderer: services.renderer))
        router.add(middleware: AuthenticationMiddleware(services: services))
        router.add(middleware: StaffHoursMiddleware(services: services))
        router.add(middleware: MaintenanceMiddleware(services: services, site: "staff"))
        let guardian = RouteGuard(services: services)
        var catalog = RouteCatalog()
        for routes in [
            HealthController(database: services.database, site: "staff").routes,
            MetricsController(services: services).routes,
            AssetsController(assets: services.assets).routes,
            LoginController(services: services).routes,
            HomeController(services: services).routes,
            AccountController(services: services).routes,
            UserAdminController(services: services).routes,
            AuditController(services: services).routes,
            try ApiController(services: services).routes,
            ArchiveApiController(services: services).routes,
            ApplicantsController(services: services).routes,
            IntakeController(services: services).routes,
            RedactionController(services: services).routes,
            NoticesController(services: services).routes,
            MaintenanceController(services: services).routes,
            BookingsController(services: services).routes,
            SlotAdminController(services: services).routes,
            BookingApiController(services: services).routes,
            StatusController(services: services).routes,
            StatisticsController(services: services).routes,
            LedgerController(services: services).routes,
            LedgerImportController(services: services).routes,
            LedgerScanController(services: services).routes,
            StoragePlacesController(services: services).routes,
            RegistryController(services: services).routes,
            LedgerApiController(services: services).routes,
        ] {
            guardian.register(routes, on: router, catalog: &catalog)
        }
        return (router, catalog)
    }

    /// The resident site (internet): booking pages only, never a staff route.
    public static func residentRouter(_ services: SiteServices) -> (Router<AppRequestContext>, RouteCatalog) {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(trustedProxies: services.configuration.trustedProxies))
        router.add(middleware: AccessLogMiddleware(site: "resident", metrics: services.metrics))
        router.add(middleware: SecurityHeadersMiddleware(tlsEnabled: services.configuration.tlsEnabled))
        router.add(middleware: ErrorMiddleware(renderer: services.renderer))
        router.add(middleware: MaintenanceMiddleware(services: services, site: "resident"))
        let guardian = RouteGuard(services: services)
        var catalog = RouteCatalog()
        for routes in [
            HealthController(database: services.database, site: "resident").routes,
            AssetsController(assets: services.assets).routes,
            ResidentController(services: services).routes,
            PublicApiController(services: services).routes,
        ] {
            guardian.register(routes, on: router, catalog: &catalog)
        }
        return (router, catalog)
    }

    public static func staffApplication(_ services: SiteServices, logger: Logger) throws -> some ApplicationProtocol {
        let (router, _) = try staffRouter(services)
        return Application(
            router: router,
            configuration: .init(address: .hostname(services.configuration.host, port: services.configuration.staffPort),
                                 serverName: "madoguchi"),
            logger: logger)
    }

    public static func residentApplication(_ services: SiteServices, logger: Logger) -> some ApplicationProtocol {
        let (router, _) = residentRouter(services)
        return Application(
            router: router,
            configuration: .init(address: .hostname(services.configuration.host, port: services.configuration.residentPort),
                                 serverName: "madoguchi"),
            logger: logger)
    }
}
