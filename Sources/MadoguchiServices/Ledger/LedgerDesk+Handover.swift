import Foundation
import MadoguchiDatabase
import MadoguchiDomain

extension LedgerDesk {
    /// Whether a handover needs the read of the card in hand (the setting of #15).
    public var handoverCardCheck: Bool { configuration.handoverCardCheck }

    /// The handover rule of #15: the card in hand was read at the counter for this entry within
    /// the last 15 minutes, and its name and birth date are this entry's. Returns that read.
    func confirmedHandover(_ entry: LedgerEntry, cardRead: UUID?) async throws -> CardReadJob {
        guard let cardRead, let job = try await cardReads.find(id: cardRead) else { throw LedgerError.handoverNeedsCardRead }
        guard job.entryID == entry.id else { throw LedgerError.cardReadNotUsable("別のカードの読取です") }
        guard job.status == .done, let reading = job.reading, let finished = job.finishedAt else {
            throw LedgerError.cardReadNotUsable("読取が完了していません")
        }
        guard clock.now().timeIntervalSince(finished) <= CardReadJob.handoverValidity else {
            throw LedgerError.cardReadNotUsable("読取から15分を過ぎています")
        }
        let comparison = CardComparison(reading: reading, entry: entry, registry: nil)
        guard comparison.isSameHolder else { throw LedgerError.cardMismatch(comparison.mismatch) }
        return job
    }
}
