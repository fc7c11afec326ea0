import Foundation
import MadoguchiDomain
import MadoguchiServices

extension LedgerModels {
    /// The read page: where the job stands, and once read, the card beside the ledger and the registry.
    struct CardRead: PageModel {
        struct Row: PageModel {
            let label: String
            let card: String
            let ledger: String
            let registry: String
            let differs: Bool
        }

        let entryID: Int64
        let applicationID: String
        let name: String
        let jobID: String
        let terminal: String
        let reader: String
        let purpose: String
        let unlock: String
        let pinMode: Bool
        let status: String
        let statusLabel: String
        let waiting: Bool
        let done: Bool
        let failed: Bool
        let expired: Bool
        let failure: String
        let rows: [Row]
        let differs: Bool
        let mismatch: [String]
        let canRecord: Bool
        let recordedAt: String
        /// A handover read of this entry's card: the 交付済 button.
        let canHandOver: Bool
        let version: Int
        let expiresAt: String
        let statusURL: String

        init(_ result: CardReaderDesk.Result, canWrite: Bool, handoverCardCheck: Bool) {
            let job = result.job, entry = result.entry
            entryID = entry.id
            applicationID = entry.applicationID
            name = entry.name
            jobID = job.id.uuidString
            terminal = job.terminal
            reader = job.reader ?? ""
            purpose = job.purpose.label
            unlock = job.unlock == .pin ? "暗証番号" : "照合番号B"
            pinMode = job.unlock == .pin
            status = job.status.rawValue
            statusLabel = job.status.label
            waiting = !job.status.isFinished
            done = job.status == .done
            failed = job.status == .failed
            expired = job.status == .expired
            failure = job.failureMessage ?? ""
            rows = result.comparison?.rows.map { Row(label: $0.label, card: $0.card, ledger: $0.ledger, registry: $0.registry, differs: $0.differs) } ?? []
            differs = rows.contains(where: \.differs)
            mismatch = result.comparison?.mismatch ?? []
            canRecord = canWrite && job.status == .done && job.recordedAt == nil
            recordedAt = job.recordedAt.map(JapaneseDate.dateTime) ?? ""
            canHandOver = canWrite && handoverCardCheck && job.status == .done && entry.stage == .notified && result.comparison?.isSameHolder == true
            version = entry.version
            expiresAt = JapaneseDate.dateTime(job.expiresAt)
            statusURL = "/ledger/entries/\(entry.id)/card-read/\(job.id.uuidString)/status"
        }
    }

    /// The card page's read form: connected terminals, how to unlock, why.
    struct CardReadForm: PageModel {
        let terminals: [Choice]
        let unlocks: [Choice]
        let purposes: [Choice]
        let recent: [RecentRead]
        let handoverCardCheck: Bool
    }

    struct RecentRead: PageModel {
        let url: String
        let at: String
        let terminal: String
        let purpose: String
        let status: String
    }
}
