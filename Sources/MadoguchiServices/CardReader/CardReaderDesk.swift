import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// The counter card reader (C7, #15): staff ask a terminal to read the card on its reader, the
/// terminal's agent takes the job by long poll and answers, staff compare and record. 照合番号B
/// exists only sealed in the pending job row and in the agent's memory; it is never audited,
/// logged or returned to a page.
public struct CardReaderDesk: Sendable {
    let jobs: CardReadJobStore
    let ledger: LedgerDesk
    let ledgerStore: LedgerStore
    let registry: RegistryStore
    let secrets: AppSecrets
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource

    /// A terminal counts as connected when its agent polled within this many seconds (agents
    /// poll at least every 25 s).
    public static let connectedWithin: TimeInterval = 60
    /// The longest long poll a terminal may ask for.
    public static let maxWaitSeconds = 25

    public func connectedTerminals() async throws -> [CardReadJobStore.Terminal] {
        try await jobs.terminals(seenSince: clock.now().addingTimeInterval(-Self.connectedWithin))
    }

    // MARK: staff

    /// Sends a read to `terminal`. With `.verificationCodeB`, `code` is what staff keyed from
    /// the card face; with `.pin` the holder types the PIN on the terminal.
    public func request(_ entry: LedgerEntry, terminal: String, unlock: CardUnlock, code: String, purpose: CardReadPurpose,
                        caller: Caller) async throws -> CardReadJob {
        guard caller.has(.ledgerWrite) else { throw AccessDenied(permission: .ledgerWrite) }
        let codeB = unlock == .verificationCodeB ? try VerificationCodeB(code) : nil
        if purpose == .handover, entry.stage != .notified { throw CardReadError.handoverNeedsNotifiedCard }
        guard try await connectedTerminals().contains(where: { $0.name == terminal }) else { throw CardReadError.terminalNotConnected(terminal) }
        let now = clock.now()
        let job = CardReadJob(id: UUID(), entryID: entry.id, applicationID: entry.applicationID, terminal: terminal, purpose: purpose,
                              unlock: unlock, status: .pending, requestedBy: caller.userID, createdAt: now,
                              expiresAt: now.addingTimeInterval(CardReadJob.lifetime))
        let sealed = try codeB.map { try secrets.sealCardCode($0.digits, jobID: job.id) }
        try await database.transaction { connection in
            try await jobs.create(job, sealedCode: sealed, on: connection)
            try await audit.record(caller, "card.read.request", recordType: "ledger_entry", recordID: entry.applicationID,
                                   detail: "terminal=\(terminal) purpose=\(purpose.rawValue) unlock=\(unlock.rawValue) job=\(job.id.uuidString.prefix(8))",
                                   on: connection)
        }
        return job
    }

    /// A job with what the page shows: the comparison with the ledger (and the registry, for
    /// callers who may see it). Viewing a finished read is a view of personal data: audited.
    public struct Result: Sendable {
        public let job: CardReadJob
        public let entry: LedgerEntry
        public let comparison: CardComparison?
    }

    public func result(_ id: UUID, entry: LedgerEntry, caller: Caller) async throws -> Result {
        try await jobs.expire(now: clock.now())
        guard let job = try await jobs.find(id: id), job.entryID == entry.id else { throw CardReadError.jobNotFound }
        var comparison: CardComparison?
        if let reading = job.reading {
            let person = caller.has(.registryView)
                ? try await registry.match(name: entry.name, kanaKey: entry.kana.replacingOccurrences(of: "\u{3000}", with: ""), birthDate: entry.birthDate,
                                           sex: entry.sex, address: entry.address).person
                : nil
            comparison = CardComparison(reading: reading, entry: entry, registry: person)
            try await audit.record(caller, "card.read.view", recordType: "ledger_entry", recordID: entry.applicationID,
                                   detail: "job=\(id.uuidString.prefix(8))")
        }
        return Result(job: job, entry: entry, comparison: comparison)
    }

    /// Where a job stands, without personal data (the page's live check asks every second).
    public func status(_ id: UUID, entry: LedgerEntry) async throws -> CardReadJob.Status {
        try await jobs.expire(now: clock.now())
        guard let job = try await jobs.find(id: id), job.entryID == entry.id else { throw CardReadError.jobNotFound }
        return job.status
    }

    public func recent(_ entry: LedgerEntry) async throws -> [CardReadJob] { try await jobs.jobs(entryID: entry.id, limit: 5) }

    /// 登録: the address, the card's expiry and the certificate's expiry of a finished read go
    /// into the ledger as card data from the reader, audited with the terminal and its reader.
    public func record(_ id: UUID, entry: LedgerEntry, caller: Caller) async throws -> (entry: LedgerEntry, differences: [String]) {
        guard let job = try await jobs.find(id: id), job.entryID == entry.id else { throw CardReadError.jobNotFound }
        guard job.status == .done, let reading = job.reading else { throw CardReadError.notDone }
        guard job.recordedAt == nil else { throw CardReadError.alreadyRecorded }
        guard let cardExpiry = reading.cardExpiry ?? entry.cardExpiry?.description else { throw CardReadError.cardExpiryMissing }
        let reader = "\(job.terminal)\(job.reader.map { " (\($0))" } ?? "")"
        let result = try await ledger.recordCardData(entry, CardData(address: reading.address, cardExpiry: cardExpiry,
                                                                    certificateExpiry: reading.certificateExpiry, reader: reader),
                                                     source: "reader", caller: caller)
        try await database.transaction { try await jobs.markRecorded(id: id, now: clock.now(), on: $0) }
        return result
    }

    /// Card reads are working copies: a day after the read they are deleted (what matters is in
    /// the ledger and the audit log); expired jobs lose any code at once.
    public func purgeOldReads() async throws {
        try await jobs.expire(now: clock.now())
        try await jobs.purge(olderThan: clock.now().addingTimeInterval(-86_400))
    }

    // MARK: the terminal's agent

    /// What the agent gets: the job and, for 照合番号B, the code (opened from the row, which
    /// no longer holds it).
    public struct Claimed: Sendable {
        public let job: CardReadJob
        public let code: VerificationCodeB?
    }

    /// The agent's long poll: registers or refreshes the terminal, then waits up to `wait`
    /// seconds for a job (checking every half second; any app node answers, the rows are shared).
    public func next(terminal: String, reader: String, agentVersion: String, wait: Int, caller: Caller) async throws -> Claimed? {
        guard caller.has(.cardTerminal), let accountID = caller.userID else { throw AccessDenied(permission: .cardTerminal) }
        guard terminal.utf8.count <= 40, !terminal.isEmpty,
              terminal.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || [0x2E, 0x5F, 0x2D].contains($0) })
        else { throw CardReadError.invalidTerminalName }
        // The wait is real time, not the desk's clock (which tests move by hand).
        let deadline = Date().addingTimeInterval(Double(min(max(wait, 0), Self.maxWaitSeconds)))
        let reader = String(FileValue.text(reader).prefix(200)), agentVersion = String(agentVersion.prefix(40))
        // One write per poll (the terminal list's "last seen"); the wait below only reads.
        guard try await jobs.touch(terminal: terminal, accountID: accountID, reader: reader, agentVersion: agentVersion, now: clock.now()) != nil else {
            throw CardReadError.terminalTaken(terminal)
        }
        while true {
            try await jobs.expire(now: clock.now())
            if let (job, sealed) = try await jobs.claim(terminal: terminal, now: clock.now()) {
                let code = try sealed.map { try VerificationCodeB(try secrets.openCardCode($0, jobID: job.id)) }
                try await audit.record(caller, "card.read.claim", recordType: "ledger_entry", recordID: job.applicationID,
                                       detail: "terminal=\(terminal) job=\(job.id.uuidString.prefix(8))")
                return Claimed(job: job, code: code)
            }
            guard Date() < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// What the agent read, or why it could not.
    public enum Answer: Sendable {
        case reading(CardReading)
        case failure(code: String, message: String)
    }

    public func answer(_ id: UUID, terminal: String, reader: String, _ answer: Answer, caller: Caller) async throws {
        guard caller.has(.cardTerminal) else { throw AccessDenied(permission: .cardTerminal) }
        let reader = String(FileValue.text(reader).prefix(200))
        var reading: CardReading?, code: String?, message: String?
        switch answer {
        case .reading(let value): reading = try value.validated()
        case .failure(let c, let m):
            code = String(c.prefix(40))
            message = AuditTrail.guarded(String(FileValue.text(m).prefix(400)))
        }
        try await database.transaction { connection in
            guard try await jobs.finish(id: id, terminal: terminal, reading: reading, failureCode: code, failureMessage: message, reader: reader,
                                        now: clock.now(), on: connection) else { throw CardReadError.jobNotReading }
            try await audit.record(caller, "card.read.result", recordType: "card_read_job", recordID: id.uuidString,
                                   result: reading == nil ? .failure : .success,
                                   detail: "terminal=\(terminal) \(reading == nil ? "failed code=\(code ?? "")" : "done")", on: connection)
        }
    }
}
