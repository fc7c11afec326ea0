import Foundation

public enum QRScanOutcome: Sendable, Equatable {
    /// A new entry from the code alone (the list's CSV has not been imported yet).
    case registered(LedgerEntry)
    /// The imported entry is confirmed: the card is physically here.
    case confirmed(LedgerEntry)
    /// Scanned before: nothing changes.
    case alreadyConfirmed(LedgerEntry)
}
