import Foundation
import Logging
import MadoguchiServices

/// What both sites' routers are built from: the desks of the use-case layer, the deployment's
/// settings, and the web parts every controller shares (templates, assets, metrics). Controllers
/// take only the desks they use from it.
public struct SiteEnvironment: Sendable {
    public let configuration: SiteConfiguration
    public let desks: Desks
    public let renderer: PageRenderer
    public let assets: StaticAssets
    public let metrics: SiteMetrics
    public let logger: Logger

    public init(configuration: SiteConfiguration, desks: Desks, metrics: SiteMetrics, logger: Logger) async throws {
        self.configuration = configuration
        self.desks = desks
        self.metrics = metrics
        self.logger = logger
        renderer = try await PageRenderer()
        assets = try StaticAssets()
    }
}
