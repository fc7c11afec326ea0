import Logging
import PostgresNIO

/// The application's handle on PostgreSQL: the connection pool plus the logger queries use.
///
/// `client.run()` must be running (as a service in the `ServiceGroup`, or in a task in tests)
/// before any query is sent.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// How the PostgreSQL command-line tools (pg_dump, pg_restore) reach the same database.
    public let toolConnection: PostgresToolConnection?

    public init(client: PostgresClient, logger: Logger, toolConnection: PostgresToolConnection? = nil) {
        self.client = client
        self.logger = logger
        self.toolConnection = toolConnection
    }

    public init(configuration: PostgresClient.Configuration, logger: Logger, toolConnection: PostgresToolConnection? = nil) {
        self.init(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger,
                  toolConnection: toolConnection ?? PostgresToolConnection(configuration))
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// The closure's own error is rethrown as it is (PostgresNIO wraps it), so that callers can
    /// match on their domain errors.
    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(connection)
            }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw error
        }
    }

    /// A cheap liveness probe for `/healthz`.
    public func ping() async -> Bool {
        do {
            return try await client.first("SELECT 1", as: (Int32).self, logger: logger) != nil
        } catch {
            return false
        }
    }
}
