import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// The live feed of booking changes for the staff day view (A5). The database announces every
/// change with NOTIFY (trigger `booking_announce`); one LISTEN connection per app instance fans
/// it out to the open browser streams. It runs only while someone is watching.
public actor BookingFeed {

    let database: Database
    var subscribers: [UUID: AsyncStream<BookingFeedEvent>.Continuation] = [:]
    var listener: Task<Void, Never>?
    var listening = false
    /// Whether a LISTEN has been in place before: a later one follows a lost connection.
    var listenedBefore = false
    var waiting: [CheckedContinuation<Void, Never>] = []

    public init(database: Database) {
        self.database = database
    }

    /// A stream of every change from now on. Returns once the LISTEN is in place, so that a
    /// caller that then replays the `booking_event` table cannot fall into a gap.
    public func subscribe() async -> (UUID, AsyncStream<BookingFeedEvent>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<BookingFeedEvent>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        subscribers[id] = continuation
        if listener == nil { startListening() }
        if !listening { await withCheckedContinuation { waiting.append($0) } }
        return (id, stream)
    }

    public func unsubscribe(_ id: UUID) {
        subscribers.removeValue(forKey: id)?.finish()
        if subscribers.isEmpty {
            listener?.cancel()
            listener = nil
            listening = false
        }
    }

    /// Changes after `eventID` at a location, from the table (for reconnecting browsers).
    public func events(after eventID: Int64, location: Int64) async throws -> [BookingFeedEvent] {
        try await database.client.all("""
            SELECT id, location_id, day::text, kind, booking_id FROM booking_event
            WHERE location_id = \(location) AND id > \(eventID) ORDER BY id LIMIT 500
            """, as: (Int64, Int64, String, String, Int64).self, logger: database.logger).map {
            BookingFeedEvent(id: $0.0, location: $0.1, day: $0.2, kind: $0.3, booking: $0.4)
        }
    }

    /// The newest change id: a page rendered now has seen everything up to it.
    public func latestEventID() async throws -> Int64 {
        try await database.client.first("SELECT coalesce(max(id), 0) FROM booking_event", as: (Int64).self, logger: database.logger) ?? 0
    }

    func startListening() {
        let database = database
        listener = Task { [weak self] in
            while !Task.isCancelled {
                do {
                    try await database.client.withConnection { connection in
                        try await connection.listen(on: "booking_events") { notifications in
                            await self?.ready()
                            for try await notification in notifications {
                                guard let event = try? JSONDecoder().decode(BookingFeedEvent.self, from: Data(notification.payload.utf8)) else { continue }
                                await self?.broadcast(event)
                            }
                        }
                    }
                    // The notifications ended without an error: the connection closed.
                    await self?.lost()
                } catch {
                    await self?.lost()
                    if Task.isCancelled { break }
                    database.logger.warning("booking feed lost its LISTEN connection; retrying", metadata: ["error": "\(String(reflecting: error))"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    func ready() {
        // Changes made while the connection was down were not announced: tell every stream to
        // re-read its page.
        if listenedBefore { broadcast(BookingFeedEvent(id: 0, location: 0, day: "", kind: "resync", booking: 0)) }
        listenedBefore = true
        listening = true
        for continuation in waiting { continuation.resume() }
        waiting.removeAll()
    }

    func lost() {
        listening = false
    }

    func broadcast(_ event: BookingFeedEvent) {
        for continuation in subscribers.values { continuation.yield(event) }
    }
}
