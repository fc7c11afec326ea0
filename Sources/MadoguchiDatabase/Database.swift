import Logging
import PostgresNIO
import Synchronization

/// A COMMIT whose answer never arrived: the transaction may have committed or not.
public struct CommitOutcomeUnknown: Error, Sendable {
    public let underlying: any Error

    public init(underlying: any Error) { self.underlying = underlying }
}

/// The application's handle on PostgreSQL: the connection pool plus the logger queries use.
///
/// `client.run()` must be running (as a service in the `ServiceGroup`, or in a task in tests)
/// before any query is sent.
public final class Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// How the PostgreSQL command-line tools (pg_dump, pg_restore) reach the same database.
    public let toolConnection: PostgresToolConnection?
    /// What the background probe last saw (up until a `monitor` runs and says otherwise).
    public let health: DatabaseHealth
    /// Where the server listens, when known: the probe asks there first (`Endpoint`).
    public let endpoint: Endpoint?

    public init(client: PostgresClient, logger: Logger, toolConnection: PostgresToolConnection? = nil, endpoint: Endpoint? = nil) {
        self.client = client
        self.logger = logger
        self.toolConnection = toolConnection
        self.health = DatabaseHealth()
        self.endpoint = endpoint
    }

    public convenience init(configuration: PostgresClient.Configuration, logger: Logger, toolConnection: PostgresToolConnection? = nil) {
        self.init(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger,
                  toolConnection: toolConnection ?? PostgresToolConnection(configuration), endpoint: Endpoint(configuration))
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// The closure's own error is rethrown as it is (PostgresNIO wraps it), so that callers can
    /// match on their domain errors.
    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        // A statement on a connection whose server died can wait for an answer that never comes,
        // and PostgresNIO's queries do not end on task cancellation. When the request is given
        // up (the database found down, the client gone), the connection is closed, which fails
        // whatever waits on it: the transaction rolls back (or its COMMIT is uncertain) (#19).
        let held = HeldConnection()
        do {
            return try await withTaskCancellationHandler {
                defer { held.set(nil) }
                return try await client.withTransaction(logger: logger) { connection in
                    held.set(connection)
                    return try await body(connection)
                }
            } onCancel: {
                held.close()
            }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            // The connection broke while COMMIT was on its way (a failover): the change may or
            // may not be in. Said as such, so the caller can answer "try again, check first".
            if let commitError = error.commitError { throw CommitOutcomeUnknown(underlying: commitError) }
            if let beginError = error.beginError { throw beginError }
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

/// The connection a transaction is running on, for closing it from a cancellation handler.
final class HeldConnection: Sendable {
    let connection = Mutex<PostgresConnection?>(nil)
    let cancelled = Mutex(false)

    func set(_ value: PostgresConnection?) {
        let close = connection.withLock { held in
            held = value
            return value != nil && cancelled.withLock { $0 }
        }
        if close, let value { Self.close(value) }
    }

    /// Closes without waiting (a cancellation handler cannot await).
    static func close(_ connection: PostgresConnection) {
        let future: EventLoopFuture<Void> = connection.close()
        future.whenComplete { _ in }
    }

    func close() {
        cancelled.withLock { $0 = true }
        if let open = connection.withLock({ $0 }) { Self.close(open) }
    }
}
