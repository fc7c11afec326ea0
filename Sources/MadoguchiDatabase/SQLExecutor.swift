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
