import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Checked imports between their dry-run preview and the "import" click (C3): kept in
/// PostgreSQL so that any app instance can finish the import, only for their uploader, and
/// never longer than an hour. What is kept is the checked lines, not the file.
public struct ImportUploadStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }
    public static let lifetime: TimeInterval = 3600

    public init(database: Database) {
        self.database = database
    }

    public func save(kind: String, checked: Data, staffUserID: Int64, now: Date) async throws -> String {
        let token = SecureToken.generate()
        try await purge(now: now)
        try await database.client.execute("""
            INSERT INTO import_upload (token, kind, checked, staff_user_id, created_at)
            VALUES (\(token), \(kind), \(ByteBuffer(bytes: checked)), \(staffUserID), \(now))
            """, logger: logger)
        return token
    }

    /// The checked lines for `token`, if they are this user's and fresh.
    public func find(token: String, staffUserID: Int64, now: Date) async throws -> (kind: String, checked: Data)? {
        try await purge(now: now)
        return try await database.client.first("""
            SELECT kind, checked FROM import_upload WHERE token = \(token) AND staff_user_id = \(staffUserID)
            """, as: (String, ByteBuffer).self, logger: logger).map { ($0.0, Data($0.1.readableBytesView)) }
    }

    /// Removed once imported (a second click finds nothing and imports nothing twice).
    public func remove(token: String) async throws {
        try await database.client.execute("DELETE FROM import_upload WHERE token = \(token)", logger: logger)
    }

    public func purge(now: Date) async throws {
        try await database.client.execute("DELETE FROM import_upload WHERE created_at < \(now.addingTimeInterval(-Self.lifetime))", logger: logger)
    }
}
