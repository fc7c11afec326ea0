import Logging
import PostgresNIO

/// Something that runs a bound query: the pool (one statement, any connection) or a connection
/// inside a transaction. Stores take this so that a caller can compose several writes, and their
/// audit entry, into one transaction.
public protocol SQLExecutor: Sendable {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
}

extension PostgresClient: SQLExecutor {
    public func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension PostgresConnection: SQLExecutor {
    public func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension SQLExecutor {
    /// Runs a statement and drains its rows.
    public func execute(_ query: PostgresQuery, logger: Logger) async throws {
        let rows = try await run(query, logger: logger)
        for try await _ in rows {}
    }

    /// Decodes every row into `T` (a tuple type).
    public func all<each T: PostgresDecodable>(
        _ query: PostgresQuery, as type: (repeat each T).Type, logger: Logger
    ) async throws -> [(repeat each T)] {
        var result: [(repeat each T)] = []
        for try await row in try await run(query, logger: logger).decode(type) {
            result.append(row)
        }
        return result
    }

    /// Decodes the first row into `T`, or nil when there is none.
    public func first<each T: PostgresDecodable>(
        _ query: PostgresQuery, as type: (repeat each T).Type, logger: Logger
    ) async throws -> (repeat each T)? {
        for try await row in try await run(query, logger: logger).decode(type) {
            return row
        }
        return nil
    }
}

/// The pool's own statements, on a connection closed if the task is cancelled: a query whose
/// server died mid-answer would otherwise wait on that connection for ever (PostgresNIO queries
/// do not end on cancellation), and the 503 gate waits for the request it gave up (#19).
/// Chosen over the protocol's versions wherever the executor is the pool itself.
extension PostgresClient {
    func cancellable<R>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        let held = HeldConnection()
        return try await withTaskCancellationHandler {
            defer { held.set(nil) }
            return try await withConnection { connection in
                held.set(connection)
                return try await body(connection)
            }
        } onCancel: {
            held.close()
        }
    }

    public func execute(_ query: PostgresQuery, logger: Logger) async throws {
        try await cancellable { try await $0.execute(query, logger: logger) }
    }

    public func all<each T: PostgresDecodable>(
        _ query: PostgresQuery, as type: (repeat each T).Type, logger: Logger
    ) async throws -> [(repeat each T)] {
        try await cancellable { try await $0.all(query, as: type, logger: logger) }
    }

    public func first<each T: PostgresDecodable>(
        _ query: PostgresQuery, as type: (repeat each T).Type, logger: Logger
    ) async throws -> (repeat each T)? {
        try await cancellable { try await $0.first(query, as: type, logger: logger) }
    }
}
