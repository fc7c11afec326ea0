import Foundation
import MadoguchiDomain

/// The card ledger pages' models (`ledger*.mustache`, `registry.mustache`).
enum LedgerModels {
    static func wareki(_ d: CalendarDate) -> String { JapaneseDate.wareki(year: d.year, month: d.month, day: d.day) }

    /// One card in a list.
    struct Row: PageModel {
        let id: Int64
        let applicationID: String
        let name: String
        let kana: String
        let birthDate: String
        let stage: String
        let stageValue: String
        let visitType: String
        let batch: String
        let place: String
        let cardKind: String
        let changedAt: String
        let notifiedAt: String

        init(_ e: LedgerEntry) {
            id = e.id
            applicationID = e.applicationID
            name = e.name
            kana = e.kana
            birthDate = e.birthDate.map(wareki) ?? ""
            stage = e.stage.label
            stageValue = e.stage.rawValue
            visitType = e.visitType.label
            batch = e.deliveryBatch
            place = e.storagePlace ?? ""
            cardKind = e.cardKind.label
            changedAt = JapaneseDate.dateTime(e.stageChangedAt)
            notifiedAt = e.notifiedAt.map(JapaneseDate.dateTime) ?? ""
        }
    }

    struct Tab: PageModel {
        let label: String
        let href: String
        let current: Bool
    }

    struct List: PageModel {
        let q: String
        let batch: String
        let slotLabel: String
        let unconfirmed: Bool
        let visitTabs: [Tab]
        let stages: [Choice]
        let entries: [Row]
        let previous: String
        let next: String
        let canWrite: Bool
        let canExport: Bool
        let exportLink: String
    }

    struct Cell: PageModel {
        let count: Int
        var href = ""
    }

    struct BoardRow: PageModel {
        let label: String
        let href: String
        let cells: [Cell]
        let total: Int
    }

    struct StageColumn: PageModel {
        let label: String
        let total: Int
        let href: String
    }

    struct Board: PageModel {
        let stages: [StageColumn]
        let byVisit: [BoardRow]
        let byBatch: [BoardRow]
        let total: Int
        let overdueDays: Int
        let overdue: [Row]
        let overdueCount: Int
        let uninspectedDays: Int
        let uninspected: [Row]
        let uninspectedCount: Int
        let canWrite: Bool
    }

    /// One card's facts on its page.
    struct Details: PageModel {
        let id: Int64
        let applicationID: String
        let name: String
        let kana: String
        let birthDate: String
        let stage: String
        let stageValue: String
        let visitType: String
        let batch: String
        let place: String
        let cardKind: String
        let sex: String
        let address: String
        let deliveredOn: String
        let cardExpiry: String
        let certificateExpiry: String
        let cardAddress: String
        let cardDataAt: String
        let cardDataSource: String
        let qrConfirmedAt: String
        let notes: String
        let version: Int
        let visitTypeSource: String
        let applicantID: String
        let handedOverAt: String

        init(_ e: LedgerEntry) {
            let row = Row(e)
            id = e.id
            applicationID = e.applicationID
            name = e.name
            kana = e.kana
            birthDate = row.birthDate
            stage = row.stage
            stageValue = row.stageValue
            visitType = row.visitType
            batch = row.batch
            place = row.place
            cardKind = row.cardKind
            sex = e.sex.label
            address = e.address
            deliveredOn = e.deliveredOn.map(wareki) ?? ""
            cardExpiry = e.cardExpiry.map(wareki) ?? ""
            certificateExpiry = e.certificateExpiry.map(wareki) ?? ""
            cardAddress = e.cardAddress
            cardDataAt = e.cardDataAt.map(JapaneseDate.dateTime) ?? ""
            cardDataSource = e.cardDataSource == "reader" ? "カードリーダー" : (e.cardDataSource == nil ? "" : "手入力")
            qrConfirmedAt = e.qrConfirmedAt.map(JapaneseDate.dateTime) ?? ""
            notes = e.notes
            version = e.version
            let sources = ["file": "取込ファイル", "intake": "申請受付の本人確認", "default": "既定", "staff": "職員が変更"]
            visitTypeSource = sources[e.visitTypeSource] ?? ""
            applicantID = e.applicantID.map { String($0) } ?? ""
            handedOverAt = e.handedOverAt.map(JapaneseDate.dateTime) ?? ""
        }
    }

    struct Move: PageModel {
        let value: String
        let label: String
        let needsPlace: Bool
    }

    struct PlaceOption: PageModel {
        let id: Int64
        let code: String
        let free: Int
        let full: Bool
        let selected: Bool
    }

    struct Event: PageModel {
        let at: String
        let kind: String
        let change: String
        let place: String
        let note: String
        let staff: String

        static let labels = ["created": "登録", "imported": "取込", "stage": "工程", "place": "保管場所", "edited": "変更",
                             "card-data": "カード情報", "qr-confirmed": "QR確認"]

        init(_ e: LedgerEvent) {
            at = JapaneseDate.dateTime(e.at)
            kind = Self.labels[e.kind] ?? e.kind
            change = [e.fromStage?.label, e.toStage?.label].compactMap { $0 }.joined(separator: " → ")
            place = e.storagePlace ?? ""
            note = e.note
            staff = e.staffLogin ?? "—"
        }
    }

    struct BookingLink: PageModel {
        let id: Int64
        let code: String
        let purpose: String
        let when: String
        let location: String
        let status: String

        init(_ b: Booking) {
            id = b.id
            code = b.code
            purpose = b.purpose.label
            when = "\(b.day) \(JapaneseDate.dateTime(b.startsAt).suffix(5))"
            location = b.locationName
            status = b.status.label
        }
    }

    struct CardForm: PageModel {
        let address: String
        let cardExpiry: String
        let certificateExpiry: String
    }

    struct Entry: PageModel {
        let entry: Details
        let moves: [Move]
        let canMove: Bool
        let needsPlace: Bool
        let slots: [PlaceOption]
        let suggested: String
        let isHeld: Bool
        let visitTypes: [Choice]
        let events: [Event]
        let canRegistry: Bool
        let registry: RegistryView?
        let differences: [String]
        let bookings: [BookingLink]
        let cardForm: CardForm
        let errors: [String]
        let canWrite: Bool
        let canApplicant: Bool
        /// ICカードから読み取る (#15), when the caller may write.
        var cardRead: CardReadForm?
        /// The address card mails go to, as "address（登録元 日時）"; empty: none.
        var contact = ""
        var mails: [BookingsModels.Delivery] = []
    }

    struct Decoded: PageModel {
        let code: String
        let applicationID: String
        let status: String
        let ok: Bool
    }

    struct Scan: PageModel {
        let today: Int
        let canWrite = true
        let showDecoded: Bool
        let fileName: String
        let decoded: [Decoded]
        let decodedCount: Int
        let registrable: Bool
    }

    struct BulkRow: PageModel {
        let applicationID: String
        let name: String
        let result: String
        let ok: Bool
    }

    struct Bulk: PageModel {
        let canWrite = true
        let stages: [Choice]
        let codes: String
        let summary: String
        let results: [BulkRow]
    }

    struct Cabinet: PageModel {
        let id: Int64
        let code: String
        let name: String
        let location: String
        let drawers: Int
        let slots: Int
        let capacity: Int
        let used: Int
        let free: Int
        let current: Bool
    }

    struct PlaceRow: PageModel {
        let id: Int64
        let code: String
        let capacity: Int
        let used: Int
        let full: Bool
        let percent: Int
    }

    struct Places: PageModel {
        let cabinets: [Cabinet]
        let slots: [PlaceRow]
        let locations: [BookingsModels.Place]
        let canWrite: Bool
    }

    struct Person: PageModel {
        let name: String
        let kana: String
        let birthDate: String
        let sex: String
        let address: String
        let juki: String
        let status: String
        let moved: Bool
    }

    struct Extract: PageModel {
        let fileName: String
        let at: String
        let rows: Int
    }

    struct Registry: PageModel {
        let kana: String
        let name: String
        let birth: String
        let address: String
        let searched: Bool
        let count: Int
        let people: [RegistryView.Person]
        let extract: Extract?
        let hasExtract: Bool
        let canWrite: Bool
    }

    struct ImportKindChoice: PageModel {
        let value: String
        let label: String
        let columns: String
        let checked: Bool
    }

    struct ProblemRow: PageModel {
        let line: String
        let reasons: String
    }

    struct SampleRow: PageModel {
        let line: Int
        let applicationID: String
        let name: String
        let kana: String
        let birthDate: String
        let sex: String
        let address: String
        let cardKind: String
        let visitType: String
        let batch: String
        let stage: String
        let place: String
    }

    struct Import: PageModel {
        var canWrite = true
        var kinds: [ImportKindChoice] = []
        var maxMB: Int64 = 0
        var formError = ""
        var preview = false
        var done = false
        var dryRun = false
        var kindLabel = ""
        var isLedger = false
        var fileName = ""
        var encoding = ""
        var lines = 0
        var ignored = ""
        var problems: [ProblemRow] = []
        var problemCount = 0
        var summary = ""
        var `repeat` = ""
        var token = ""
        var sample: [SampleRow] = []
    }
}
