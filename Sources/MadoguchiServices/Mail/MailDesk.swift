import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiMail

/// Sends what the outbox holds (#16). Without a relay (`MADOGUCHI_SMTP_URL` unset: training and
/// demo set-ups) nothing is sent and messages wait. Temporary failures are tried again after
/// 1, 2, 4 … minutes (at most an hour, for two days); a permanent one marks the message failed
/// and stops mail to that address.
public struct MailDesk: Sendable {
    let outbox: MailOutboxStore
    let clock: any TimeSource
    let settings: SMTPSettings?
    let sender: String
    let replyTo: String?

    /// Tries before a message that keeps failing temporarily is given up.
    public static let maxAttempts = 12

    public var isConfigured: Bool { settings != nil }

    public func deliveries(bookingID: Int64) async throws -> [MailDelivery] { try await outbox.deliveries(bookingID: bookingID) }
    /// The card mails of one ledger entry (card ready, renewal invitations), for its page.
    public func deliveries(ledgerEntryID: Int64) async throws -> [MailDelivery] { try await outbox.deliveries(ledgerEntryID: ledgerEntryID) }

    /// One round: takes up to `limit` due messages and sends them over one connection.
    /// Returns how many were sent.
    @discardableResult
    public func deliverDue(limit: Int = 20, logger: Logger) async throws -> Int {
        guard let settings else { return 0 }
        let now = clock.now()
        let due = try await outbox.take(limit: limit, now: now, lease: 300)
        guard !due.isEmpty else { return 0 }
        let suppressed = try await outbox.suppressed(due.map(\.recipient))
        var sendable: [MailOutboxStore.Due] = []
        for message in due {
            if suppressed.contains(message.recipient.lowercased()) { try await outbox.markSuppressed(id: message.id) } else { sendable.append(message) }
        }
        let domain = sender.split(separator: "@").last.map(String.init) ?? "madoguchi.invalid"
        let messages = sendable.map {
            MailMessage(from: sender, replyTo: replyTo, to: $0.recipient, subject: $0.subject, body: $0.body,
                        messageID: "\(UUID().uuidString.lowercased())@\(domain)", date: now, listUnsubscribe: $0.unsubscribeURL)
        }
        let results = await SMTPClient(settings: settings).send(messages, envelopeFrom: sender)
        var sent = 0
        for (index, message) in sendable.enumerated() {
            switch results[index] {
            case nil:
                try await outbox.markSent(id: message.id, messageID: messages[index].messageID, now: clock.now())
                sent += 1
            case let error? where error.isPermanent:
                logger.warning("mail refused for good", metadata: ["outbox": "\(message.id)", "reply": "\(error)"])
                try await outbox.markFailed(id: message.id, recipient: message.recipient, error: error.description, suppress: true, now: clock.now())
            case let error?:
                if message.attempts >= Self.maxAttempts {
                    try await outbox.markFailed(id: message.id, recipient: message.recipient, error: "gave up: \(error)", suppress: false, now: clock.now())
                } else {
                    let delay = min(3600, 60 * pow(2, Double(message.attempts - 1)))
                    logger.info("mail will be retried", metadata: ["outbox": "\(message.id)", "reply": "\(error)", "in_s": "\(Int(delay))"])
                    try await outbox.markRetry(id: message.id, error: error.description, at: clock.now().addingTimeInterval(delay))
                }
            }
        }
        return sent
    }
}
