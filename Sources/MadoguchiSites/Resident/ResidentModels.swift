import Foundation
import MadoguchiDomain

/// The resident site's page models, one per template (`resident-*.mustache`).
enum ResidentModels {
    struct NoticeItem: PageModel {
        let priority: String
        let title: String
        let body: String
    }

    struct MaintenanceNote: PageModel {
        let startsAt: String
        let endsAt: String
        let message: String
    }

    struct Home: PageModel {
        let notices: [NoticeItem]
        let purposes: [Choice]
        let maintenance: MaintenanceNote?
    }

    struct Place: PageModel {
        let id: Int64
        let name: String
        let address: String
        let guidance: String

        init(_ location: Location) {
            id = location.id
            name = location.name
            address = location.address
            guidance = location.guidance
        }
    }

    /// Where the resident is in the choosing steps, carried by every link.
    struct Steps: Sendable {
        let purpose: String
        let purposeLabel: String
        let changing: Bool
        var changeParam: String { changing ? "&change=1" : "" }
    }

    struct Locations: PageModel {
        let purpose: String
        let purposeLabel: String
        let changeParam: String
        let locations: [Place]
    }

    struct Day: PageModel {
        var blank = false
        var day = 0
        var date = ""
        var weekend = false
        var symbol = ""
        var status = ""
        var aria = ""
        var bookable = false
    }

    struct Week: PageModel {
        let days: [Day]
    }

    struct Calendar: PageModel {
        let purpose: String
        let purposeLabel: String
        let changeParam: String
        let location: Place
        let windowNote: String
        let monthLabel: String
        let previousMonth: String
        let nextMonth: String
        let weekdays: [String]
        let weeks: [Week]
        let hasAny: Bool
    }

    struct SlotItem: PageModel {
        let id: Int64
        let time: String
        let dayLabel: String
        let date: String
        let free: Int
        let bookable: Bool
        let freeLabel: String
    }

    struct Times: PageModel {
        let purpose: String
        let purposeLabel: String
        let changeParam: String
        let location: Place
        let dayLabel: String
        let date: String
        let month: String
        let slots: [SlotItem]
        let message: String
    }

    struct FieldError: PageModel {
        let field: String
        let message: String
    }

    struct Form: PageModel {
        let purpose: String
        let purposeLabel: String
        let isPickup: Bool
        let location: Place
        let slot: SlotItem
        let form: [String: String]
        let fieldErrors: [String: String]
        let errors: [FieldError]
        /// The "mail me when my card is ready" box was ticked.
        var cardMail = false
    }

    struct Person: PageModel {
        let name: String
        let kana: String
        var birthDate = ""
        let phone: String
        let email: String
        var applicationID = ""
        var noticeNumber = ""
        /// Asked to be mailed when the card is ready (#16).
        var cardMail = false
    }

    struct Hidden: PageModel {
        let name: String
        let value: String
    }

    struct Confirm: PageModel {
        let purposeLabel: String
        let isPickup: Bool
        let location: Place
        let slot: SlotItem
        let person: Person
        let hidden: [Hidden]
    }

    struct Move: PageModel {
        let location: Place
        let slot: SlotItem
    }

    /// The booking on its confirmation (no personal data) and on the look-up page (with it).
    struct Ticket: PageModel {
        let code: String
        let purpose: String
        let purposeLabel: String
        let dayLabel: String
        let time: String
        let locationName: String
        let locationID: Int64
        let status: String
        let isOpen: Bool
        let person: Person?
        let qr: String
        let flash: String
    }

    /// "Is my card ready?" (#16): the form, and the one answer.
    /// The stop page of a card mail's link (#16).
    struct MailStop: PageModel {
        let consent: String
        let token: String
        /// The link is genuine: offer the button.
        let valid: Bool
        let done: Bool
    }

    struct CardStatusPage: PageModel {
        var applicationId = ""
        var answer = ""
        var ready = false
        var errors: [String] = []
    }

    struct Lookup: PageModel {
        let error: String
        let code: String
    }

    struct Message: PageModel {
        let heading: String
        let message: String
    }
}
