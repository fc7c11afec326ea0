import Foundation

/// One request from the card page to a counter terminal's reader (#15). It lives two minutes:
/// pending until the terminal's agent takes it, reading while the card is read, then done
/// (with the reading) or failed (with the agent's message). 照合番号B, when staff keyed one, is
/// handed to the agent when it takes the job and erased from the row at that moment.
public struct CardReadJob: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case pending, reading, done, failed, expired

        public var label: String {
            switch self {
            case .pending: "読取端末の応答待ち"
            case .reading: "読取中"
            case .done: "読取完了"
            case .failed: "読取できませんでした"
            case .expired: "期限切れ（2分）"
            }
        }

        public var isFinished: Bool { self == .done || self == .failed || self == .expired }
    }

    public var id: UUID
    public var entryID: Int64
    public var applicationID: String
    public var terminal: String
    public var purpose: CardReadPurpose
    public var unlock: CardUnlock
    public var status: Status
    public var reading: CardReading?
    /// The agent's failure: a short code (`wrong-code`, `last-try`, `no-card`, …) and the message.
    public var failureCode: String?
    public var failureMessage: String?
    public var requestedBy: Int64?
    public var createdAt: Date
    public var expiresAt: Date
    public var finishedAt: Date?
    /// Which reader (PC/SC name) the agent used.
    public var reader: String?
    /// When the reading was recorded in the ledger (登録).
    public var recordedAt: Date?

    public init(id: UUID, entryID: Int64, applicationID: String, terminal: String, purpose: CardReadPurpose, unlock: CardUnlock,
                status: Status, reading: CardReading? = nil, failureCode: String? = nil, failureMessage: String? = nil, requestedBy: Int64?,
                createdAt: Date, expiresAt: Date, finishedAt: Date? = nil, reader: String? = nil, recordedAt: Date? = nil) {
        self.id = id
        self.entryID = entryID
        self.applicationID = applicationID
        self.terminal = terminal
        self.purpose = purpose
        self.unlock = unlock
        self.status = status
        self.reading = reading
        self.failureCode = failureCode
        self.failureMessage = failureMessage
        self.requestedBy = requestedBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.finishedAt = finishedAt
        self.reader = reader
        self.recordedAt = recordedAt
    }

    /// How long a job waits for its terminal and its card.
    public static let lifetime: TimeInterval = 120
    /// How long after the read a handover may rely on it.
    public static let handoverValidity: TimeInterval = 15 * 60
}
