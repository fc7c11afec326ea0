import Foundation
import HTTPTypes
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiServices
import MadoguchiTestSupport
import PostgresNIO
import Testing
@testable import MadoguchiSites

/// #14: what a failover looks like to a request — a write reaching a server that is no longer the
/// primary, a closed connection, an unreachable blob store — is 503 with Retry-After, never 500.
@Suite("Transient failures are 503")
struct TransientFailureTests {
    @Test("a write that reaches a read-only server (a demoted primary) is 'try again', and maps to 503")
    func readOnlyServer() async throws {
        try await TestDatabases.shared.withDatabase { database in
            // setup: the error PostgreSQL itself gives a write on a read-only transaction (25006)
            var caught: (any Error)?
            do {
                try await database.client.withConnection { connection in
                    try await connection.query("START TRANSACTION READ ONLY", logger: database.logger)
                    try await connection.query("INSERT INTO location (name) VALUES ('x')", logger: database.logger)
                }
            } catch {
                caught = error
            }
            let error = try #require(caught)
            // act
            let busy = TransientFailure.busy(for: error)
            let mapped = AppError(domain: error)
            // check
            #expect(busy == .database)
            #expect(mapped?.status == .serviceUnavailable)
        }
    }

    @Test("a COMMIT whose answer was lost is 'outcome unknown': 503, check and retry, not a 500")
    func commitCut() throws {
        // setup: what Database.transaction throws when the connection breaks during COMMIT
        struct Cut: Error {}
        let error = CommitOutcomeUnknown(underlying: Cut())
        // act / check
        #expect(TransientFailure.busy(for: error) == .commitUncertain)
        #expect(AppError(domain: error)?.status == .serviceUnavailable)
        #expect(ServiceBusy.commitUncertain.message.contains("記録されたか確認できませんでした"))
    }

    @Test("an unreachable blob store maps to 503; a refused key or an ordinary SQL error does not")
    func others() async throws {
        // setup
        let down = BlobStoreError.unavailable("cannot reach the S3 endpoint http://127.0.0.1:9")
        let refused = BlobStoreError.misconfigured("the S3 server refused the credentials")
        // act / check
        #expect(TransientFailure.busy(for: down) == .storage)
        #expect(AppError(domain: down)?.status == .serviceUnavailable)
        #expect(TransientFailure.busy(for: refused) == nil)
        try await TestDatabases.shared.withDatabase { database in
            await #expect(throws: PSQLError.self) {
                try await database.client.query("SELECT * FROM no_such_table", logger: database.logger)
            }
            do {
                try await database.client.query("SELECT * FROM no_such_table", logger: database.logger)
            } catch {
                #expect(TransientFailure.busy(for: error) == nil, "a bug stays a 500, logged")
            }
        }
    }
}
