import Crypto
import Foundation
import MadoguchiDomain
import PostgresNIO

/// Idempotency keys of booking requests (#14): which booking a key made, and for what request.
public struct BookingRequestStore: Sendable {
    public init() {}

    /// What a key has done before.
    public enum Earlier: Sendable, Equatable {
        case none
        case booked(bookingID: Int64)
        /// The key was used for a different slot or person.
        case differentRequest
    }

    /// Takes the key's lock for this transaction (a concurrent retry with the same key waits
    /// here until the first commits or rolls back), then says what the key did before.
    public func claim(_ key: String, fingerprint: Data, on connection: PostgresConnection) async throws -> Earlier {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 14))", logger: connection.logger).collect()
        let rows = try await connection.query(
            "SELECT fingerprint, booking_id FROM booking_request WHERE idempotency_key = \(key)", logger: connection.logger)
        for try await (stored, bookingID) in rows.decode((Data, Int64).self) {
            return stored == fingerprint ? .booked(bookingID: bookingID) : .differentRequest
        }
        return .none
    }

    public func record(_ key: String, fingerprint: Data, bookingID: Int64, now: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            "INSERT INTO booking_request (idempotency_key, fingerprint, booking_id, created_at) VALUES (\(key), \(fingerprint), \(bookingID), \(now))",
            logger: connection.logger)
    }

    /// Keys are needed only while a client may still retry: a day is plenty.
    public func purge(olderThan cutoff: Date, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM booking_request WHERE created_at < \(cutoff)", logger: connection.logger)
    }

    /// The request's fingerprint: the slot and the validated details that make it this booking.
    public static func fingerprint(slotID: Int64, input: BookingInput) -> Data {
        let parts = [String(slotID), input.kanaKey, input.familyName, input.givenName, input.birthDate, input.phone, input.email.lowercased()]
        return Data(SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").utf8)))
    }

    /// 16–128 of A–Z a–z 0–9 - _ (a UUID fits).
    public static func isValidKey(_ key: String) -> Bool {
        (16...128).contains(key.utf8.count) && key.utf8.allSatisfy {
            (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D || $0 == 0x5F
        }
    }
}
