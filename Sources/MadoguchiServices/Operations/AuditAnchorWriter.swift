import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// Keeps this host's copy of the audit head current (#13). Every audited transaction sends the
/// new head with NOTIFY, which PostgreSQL delivers only on commit; the writer replaces the head
/// file with the newest it has heard (at most every 100 ms under load), and appends a line to
/// `anchors.log` every `every` seconds when the head has moved. Heads from every instance
/// arrive here, so each host's file follows the whole log.
public struct AuditAnchorWriter: Sendable {
    let log: AuditLog
    let anchors: AuditAnchors
    let every: TimeInterval

    /// Runs until cancelled; reconnects when the LISTEN connection drops.
    public func run(logger: Logger) async {
        let state = State()
        let appender = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(every))
                if let head = await state.takeUnlogged() {
                    do { try anchors.append(head) } catch { logger.error("audit anchor log not written", metadata: ["error": "\(error)"]) }
                    logger.info("audit anchor", metadata: ["id": "\(head.id)", "anchor": "\(head.line)"])
                }
            }
        }
        defer { appender.cancel() }
        while !Task.isCancelled {
            do {
                // What was committed while nobody listened: start from the table's head.
                if let head = try await log.head() {
                    write(head, logger: logger)
                    await state.mark(head)
                }
                try await log.database.client.withConnection { connection in
                    try await connection.listen(on: AuditLog.channel) { notifications in
                        for try await notification in notifications {
                            guard let anchor = AuditAnchor(line: notification.payload) else { continue }
                            guard await state.newer(anchor) else { continue }
                            // Coalesce a burst: wait briefly, then write only the newest head.
                            try? await Task.sleep(for: .milliseconds(100))
                            if let newest = await state.takeUnwritten() { write(newest, logger: logger) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("audit anchor writer lost its connection; retrying", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        // Leave the newest head behind on shutdown.
        if let head = await state.takeUnwritten() { write(head, logger: logger) }
        if let head = await state.takeUnlogged() { try? anchors.append(head) }
    }

    /// A head that would move the file backwards is refused and reported, loudly: rows were
    /// deleted or rewritten, and the file is the evidence.
    func write(_ head: AuditAnchor, logger: Logger) {
        do {
            try anchors.writeHead(head)
        } catch let regression as AuditAnchors.Regression {
            logger.critical("audit log tampering suspected", metadata: ["detail": "\(regression)"])
        } catch {
            logger.error("audit head not written", metadata: ["error": "\(error)"])
        }
    }

    /// The newest head heard, and whether it is in the file and in the log yet.
    actor State {
        var newest: AuditAnchor?
        var written: Int64 = 0
        var logged: Int64 = 0

        func newer(_ anchor: AuditAnchor) -> Bool {
            guard anchor.id > (newest?.id ?? 0) else { return false }
            newest = anchor
            return true
        }

        func mark(_ head: AuditAnchor) {
            if head.id > (newest?.id ?? 0) { newest = head }
            written = max(written, head.id)
        }

        func takeUnwritten() -> AuditAnchor? {
            guard let newest, newest.id > written else { return nil }
            written = newest.id
            return newest
        }

        func takeUnlogged() -> AuditAnchor? {
            guard let newest, newest.id > logged else { return nil }
            logged = newest.id
            return newest
        }
    }
}
