import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Files between their dry-run preview and the "import" click (C3): kept in PostgreSQL so that
/// any app instance can finish the import, only for their uploader, and never longer than an hour.
public struct ImportUploadStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }
    public static let lifetime: TimeInterval = 3600

    public init(database: Database) {
        self.database = database
    }

    public struct Upload: Sendable {
        public var kind: String
        public var fileName: String
        public var content: Data
        public var layout: String
    }

    public func save(kind: String, fileName: String, content: Data, layout: String, staffUserID: Int64, now: Date) async throws -> String {
        let token = SecureToken.generate()
        try await database.client.execute("DELETE FROM import_upload WHERE created_at < \(now.addingTimeInterval(-Self.lifetime))", logger: logger)
        try await database.client.execute("""
            INSERT INTO import_upload (token, kind, file_name, content, layout, staff_user_id, created_at)
            VALUES (\(token), \(kind), \(String(fileName.prefix(255))), \(ByteBuffer(bytes: content)), \(layout), \(staffUserID), \(now))
            """, logger: logger)
        return token
    }

    /// The upload for `token`, removed as it is taken: a second click cannot import twice.
    public func take(token: String, staffUserID: Int64, now: Date) async throws -> Upload? {
        try await database.client.first("""
            DELETE FROM import_upload WHERE token = \(token) AND staff_user_id = \(staffUserID)
              AND created_at >= \(now.addingTimeInterval(-Self.lifetime))
            RETURNING kind, file_name, content, layout
            """, as: (String, String, ByteBuffer, String).self, logger: logger).map {
            Upload(kind: $0.0, fileName: $0.1, content: Data($0.2.readableBytesView), layout: $0.3)
        }
    }
}
