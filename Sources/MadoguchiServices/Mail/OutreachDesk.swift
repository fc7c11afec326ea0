import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiReports

/// Renewal outreach (#16): the cards in residents' hands whose card or certificate runs out in a
/// window, with counts per month, as a page, a CSV for Excel (the postal mail merge), and an
/// invitation mail to those with an agreement in force, through the outbox. Every view, export
/// and merge is audited.
public struct OutreachDesk: Sendable {
    let ledger: LedgerStore
    let consents: ContactConsentStore
    let outbox: MailOutboxStore
    let notices: CardNotices
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource

    /// A window of expiry dates; at most 2 years, so one request stays bounded.
    public struct Window: Sendable, Equatable {
        public let basis: RenewalBasis
        public let from: CalendarDate
        public let through: CalendarDate

        public init(basis: RenewalBasis, from: CalendarDate, through: CalendarDate) {
            self.basis = basis
            self.from = from
            self.through = through
        }

        /// The window a form or query names; the default is the coming three months.
        public static func parse(basis: String, from: String, through: String, today: CalendarDate) throws -> Window {
            var problems: [FieldProblem] = []
            let kind = basis.isEmpty ? .card : RenewalBasis(rawValue: basis)
            if kind == nil { problems.append(FieldProblem(field: "basis", message: "期限の種類は「カード」か「電子証明書」を選んでください。")) }
            let start = from.isEmpty ? today : CalendarDate(from)
            if start == nil { problems.append(FieldProblem(field: "from", message: "期間の開始日を日付で入力してください。")) }
            let end = through.isEmpty ? today.adding(days: 91) : CalendarDate(through)
            if end == nil { problems.append(FieldProblem(field: "through", message: "期間の終了日を日付で入力してください。")) }
            if let start, let end {
                if end < start { problems.append(FieldProblem(field: "through", message: "期間の終了日は開始日より後にしてください。")) }
                if let limit = start.adding(days: 731), end > limit {
                    problems.append(FieldProblem(field: "through", message: "期間は2年以内にしてください。"))
                }
            }
            guard problems.isEmpty, let kind, let start, let end else { throw InvalidInput(problems) }
            return Window(basis: kind, from: start, through: end)
        }

        var summary: String { "basis=\(basis.rawValue) \(from)..\(through)" }
    }

    public struct Row: Sendable {
        public let entry: LedgerEntry
        public let expiry: CalendarDate?
        /// An agreement to be mailed is in force.
        public let canMail: Bool
    }

    public struct Overview: Sendable {
        public let window: Window
        public let months: [(month: String, count: Int)]
        public let total: Int
        /// The first rows (the page shows 500; the CSV has them all).
        public let rows: [Row]
        public let withAddress: Int
    }

    public func overview(_ window: Window, caller: Caller) async throws -> Overview {
        let months = try await ledger.expiringByMonth(window.basis, from: window.from, through: window.through)
        let entries = try await ledger.expiring(window.basis, from: window.from, through: window.through)
        let agreed = try await consents.active(applicationIDs: entries.map(\.applicationID))
        let rows = entries.map { Row(entry: $0, expiry: Self.expiry($0, window.basis), canMail: agreed[$0.applicationID] != nil) }
        let total = months.reduce(0) { $0 + $1.count }
        try await audit.record(caller, "renewal.view", recordType: "ledger", detail: window.summary + " 件数=\(total)")
        return Overview(window: window, months: months, total: total, rows: rows, withAddress: rows.filter(\.canMail).count)
    }

    /// The window's cards a page at a time, each page with the agreements in force for it.
    func pages(_ window: Window, size: Int, _ body: ([LedgerEntry], [String: ContactConsent]) async throws -> Void) async throws {
        var offset = 0
        while true {
            let page = try await ledger.expiring(window.basis, from: window.from, through: window.through, limit: size, offset: offset)
            try await body(page, try await consents.active(applicationIDs: page.map(\.applicationID)))
            if page.count < size { return }
            offset += size
        }
    }

    static func expiry(_ entry: LedgerEntry, _ basis: RenewalBasis) -> CalendarDate? {
        basis == .card ? entry.cardExpiry : entry.certificateExpiry
    }

    static let columns = ["申請書ID", "氏名", "フリガナ", "生年月日", "住所", "カードの有効期限", "電子証明書の有効期限", "メール案内の同意"]

    /// Every card in the window as CSV rows, a page at a time.
    public func export(_ window: Window, encoding: TextEncoding, substitute: Bool, caller: Caller) async throws -> TableExport {
        let stamp = CalendarDate(clock.now()).description.replacingOccurrences(of: "-", with: "")
        let table = TableExport(filename: "renewals-\(window.basis.rawValue)-\(stamp).csv", columns: Self.columns) { [self] emit in
            try await pages(window, size: 500) { page, agreed in
                for e in page {
                    try await emit([e.applicationID, e.name, e.kana, e.birthDate?.description ?? "", e.address, e.cardExpiry?.description ?? "",
                                    e.certificateExpiry?.description ?? "", agreed[e.applicationID] != nil ? "あり" : "なし"])
                }
            }
        }
        let checked = try await table.checked(encoding: encoding, substitute: substitute)
        try await audit.record(caller, "renewal.export", recordType: "ledger", detail: window.summary + " encoding=\(encoding.rawValue)")
        return checked
    }

    public struct MergeResult: Sendable, Equatable {
        public let queued: Int
        /// Invited in the last 180 days already: not mailed twice.
        public let alreadyInvited: Int
        /// No agreement in force: reach them by post (the CSV).
        public let withoutAddress: Int
    }

    /// Queues an invitation for every card in the window whose applicant agreed to be mailed and
    /// was not invited in the last 180 days. Each page of 200 commits on its own with its audit
    /// row, so a merge cut short is simply run again (the invited are skipped).
    public func invite(_ window: Window, caller: Caller) async throws -> MergeResult {
        let since = clock.now().addingTimeInterval(-180 * 86400)
        var queued = 0, already = 0, without = 0
        try await pages(window, size: 200) { page, agreed in
            let invited = try await outbox.alreadyMailed(.renewalInvitation, ledgerEntryIDs: page.map(\.id), since: since)
            let due = page.filter { agreed[$0.applicationID] != nil && !invited.contains($0.id) }
            already += page.filter { agreed[$0.applicationID] != nil && invited.contains($0.id) }.count
            without += page.filter { agreed[$0.applicationID] == nil }.count
            if !due.isEmpty {
                try await database.transaction { connection in
                    for entry in due { try await notices.renewalInvitation(entry, consent: agreed[entry.applicationID]!, basis: window.basis, on: connection) }
                    try await audit.record(caller, "renewal.invite", recordType: "ledger", detail: window.summary + " 送信予約=\(due.count)", on: connection)
                }
                queued += due.count
            }
        }
        if queued == 0 { try await audit.record(caller, "renewal.invite", recordType: "ledger", detail: window.summary + " 送信予約=0") }
        return MergeResult(queued: queued, alreadyInvited: already, withoutAddress: without)
    }
}
