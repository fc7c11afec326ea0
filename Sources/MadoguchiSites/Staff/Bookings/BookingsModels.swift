import Foundation
import MadoguchiDomain

/// The staff booking pages' models (`bookings-*.mustache`, `booking*.mustache`).
enum BookingsModels {
    /// One booking in a list: the day view, the search, the printout, a duplicate warning.
    struct Row: PageModel {
        let id: Int64
        let code: String
        let name: String
        let kana: String
        let phone: String
        let status: String
        let statusClass: String
        let channel: String
        let purpose: String
        let time: String
        let date: String
        let locationName: String
        let isBooked: Bool
        let canCheckIn: Bool
        let duplicate: Bool
        let applicationID: String
        let noticeNumber: String

        init(_ b: Booking, canWrite: Bool, now: Date) {
            id = b.id
            code = b.displayCode
            name = b.input.fullName
            kana = b.input.fullKana
            phone = b.input.phone
            status = b.status.label
            statusClass = b.status.rawValue
            channel = b.channel.label
            purpose = b.purpose.label
            time = b.timeRange
            date = b.day.description
            locationName = b.locationName
            isBooked = b.status == .booked
            canCheckIn = canWrite && (b.status == .booked || b.status == .noShow) && b.day == CalendarDate(now)
            duplicate = b.duplicateOverride
            applicationID = b.input.applicationID
            noticeNumber = b.input.noticeNumber
        }
    }

    struct Place: PageModel {
        let id: Int64
        let name: String
        var selected = false
    }

    struct DaySlot: PageModel {
        let id: Int64
        let time: String
        let purpose: String
        let webBooked: Int
        let webCapacity: Int
        let staffBooked: Int
        let staffCapacity: Int
        let withdrawn: Bool
        let overridden: Bool
        let full: Bool
        let canBook: Bool
        let canManage: Bool
        let bookings: [Row]
    }

    struct Totals: PageModel {
        let booked: Int
        let checkedIn: Int
        let noShow: Int
        let cancelled: Int
        let capacity: Int
        let seats: Int
    }

    /// The day view and its printout.
    struct Day: PageModel {
        let location: Place
        let locations: [Place]
        let date: String
        let wareki: String
        let previous: String
        let next: String
        let isToday: Bool
        let canWrite: Bool
        let canManage: Bool
        let canLedger: Bool
        let slots: [DaySlot]
        let totals: Totals
        let lastEvent: Int64
        var printedAt = ""
        var printedBy = ""
    }

    struct Search: PageModel {
        let q: String
        let from: String
        let to: String
        let searched: Bool
        let count: Int
        let results: [Row]
    }

    struct NewSlot: PageModel {
        let id: Int64
        let time: String
        let date: String
        let purpose: String
        let free: Int
        let location: String
        let locationID: Int64
    }

    struct New: PageModel {
        let slot: NewSlot
        let isPickup: Bool
        let form: [String: String]
        let isCounter: Bool
        let fieldErrors: [String: String]
        let errors: [String]
        let duplicates: [Row]
        let pickupWarning: Bool
    }

    struct Detail: PageModel {
        let id: Int64
        let code: String
        let name: String
        let kana: String
        let phone: String
        let status: String
        let statusClass: String
        let channel: String
        let purpose: String
        let time: String
        let date: String
        let locationName: String
        let locationID: Int64
        let duplicate: Bool
        let canCheckIn: Bool
        let birthDate: String
        let birthWareki: String
        let email: String
        let notes: String
        let version: Int
        let createdAt: String
        let createdBy: String
        let checkedInAt: String
        let isCheckedIn: Bool
        let isOpen: Bool
        let seat: String
    }

    struct LedgerNote: PageModel {
        let message: String
        let ready: Bool
        let entryID: Int64?
    }

    struct MoveOption: PageModel {
        let id: Int64
        let label: String
    }

    /// One line of a delivery log (the booking page, and the card page's card mails).
    struct Delivery: PageModel {
        let kind: String
        let recipient: String
        let status: String
        let createdAt: String
        let sentAt: String
        let error: String

        init(_ d: MailDelivery) {
            kind = OutgoingMail.Kind(rawValue: d.kind)?.label ?? d.kind
            recipient = d.recipient
            status = d.statusLabel
            createdAt = JapaneseDate.dateTime(d.createdAt)
            sentAt = d.sentAt.map(JapaneseDate.dateTime) ?? ""
            error = d.lastError ?? ""
        }
    }

    struct Page: PageModel {
        let booking: Detail
        let form: [String: String]
        let fieldErrors: [String: String]
        let errors: [String]
        let canWrite: Bool
        let isPickup: Bool
        let moveOptions: [MoveOption]
        let ledger: LedgerNote?
        let registry: RegistryView?
        /// The mails about this booking and how each went (#16).
        var deliveries: [Delivery] = []
        var mailConfigured = false
    }
}

/// The registry's view of a person beside a booking or a card (C5).
struct RegistryView: PageModel {
    struct Person: PageModel {
        let name: String
        let kana: String
        let birthDate: String
        let sex: String
        let address: String
        let juki: String
        let status: String
        let moved: Bool

        init(_ p: RegistryRecord) {
            name = p.name
            kana = p.kana
            birthDate = JapaneseDate.wareki(year: p.birthDate.year, month: p.birthDate.month, day: p.birthDate.day)
            sex = p.sex.label
            address = p.address
            juki = p.jukiCard ? "有" : "無"
            status = p.status.label
            moved = p.status != .resident
        }
    }

    let found: Bool
    let clean: Bool
    let flags: [String]
    let person: Person?

    init(_ match: RegistryMatch) {
        found = match.person != nil
        clean = match.isClean
        flags = match.flags
        person = match.person.map(Person.init)
    }
}
