import Foundation
import MadoguchiDomain

/// The applicant and document pages' models (`applicant*.mustache`, `document-viewer`, `redaction`).
enum ArchiveModels {
    static func wareki(_ text: String) -> String {
        CalendarDate(text).map { JapaneseDate.wareki(year: $0.year, month: $0.month, day: $0.day) } ?? ""
    }

    static let sexLabels = ["male": "男", "female": "女", "unspecified": "—"]

    struct Person: PageModel {
        let id: Int64
        let name: String
        let kana: String
        let birthDate: String
        let birthWareki: String
        let sex: String
        let address: String
        let applicationIDs: [String]
        let postalCode: String
        let phone: String
        let notes: String

        init(_ a: Applicant) {
            id = a.id
            name = a.fullName
            kana = a.fullKana
            birthDate = a.birthDate
            birthWareki = wareki(a.birthDate)
            sex = sexLabels[a.sex] ?? "—"
            address = a.address
            applicationIDs = a.applicationIDs
            postalCode = a.postalCode
            phone = a.phone
            notes = a.notes
        }
    }

    struct Filter: PageModel {
        let kana: String
        let name: String
        let birthDate: String
        let applicationID: String
    }

    struct Search: PageModel {
        let filter: Filter
        let errors: [String]
        let searched: Bool
        let count: Int
        let canWrite: Bool
        let canFees: Bool
        let applicants: [Person]
    }

    struct Field: PageModel {
        let name: String
        let label: String
        let value: String
        let required: Bool
        let type: String
        let autocomplete: String
        let error: String
    }

    struct SexOption: PageModel {
        let value: String
        let label: String
        let checked: Bool
    }

    struct New: PageModel {
        let fields: [Field]
        let notes: String
        let applicationIDs: String
        let sexOptions: [SexOption]
        let errors: [String]
        let applicationIDsError: String
        let notesError: String
    }

    struct DocumentItem: PageModel {
        let id: Int64
        let kind: String
        let pageCount: Int
        let filename: String
        let uploadedAt: String
        let format: String
        let applicationID: String

        init(_ d: Document) {
            id = d.id
            kind = DocumentKind.label(of: d.kind)
            pageCount = d.pageCount
            filename = d.originalFilename
            uploadedAt = JapaneseDate.dateTime(d.uploadedAt)
            format = d.format.uppercased()
            applicationID = d.applicationID ?? ""
        }
    }

    struct IntakeItem: PageModel {
        let id: Int64
        let applicationID: String
        let channel: String
        let receivedOn: String
        let location: String
        let identityVerified: Bool

        init(_ i: Intake) {
            id = i.id
            applicationID = i.draft.applicationID
            channel = i.draft.channel.label
            receivedOn = i.draft.receivedOn.description
            location = i.locationName ?? "—"
            identityVerified = i.draft.identityVerified
        }
    }

    struct Page: PageModel {
        let applicant: Person
        let canSeeDocuments: Bool
        let canUpload: Bool
        let kinds: [Choice]
        let documents: [DocumentItem]
        let intakes: [IntakeItem]
        let canIntake: Bool
        let intakeForm: IntakeModels.Form
        let intakeErrors: [String]
        let canBookings: Bool
        let bookings: [BookingsModels.Row]
        let canLedger: Bool
        let cards: [LedgerModels.Row]
    }

    struct ViewerDocument: PageModel {
        let id: Int64
        let kind: String
        let pageCount: Int
        let filename: String
        let uploadedAt: String
    }

    struct ViewerPage: PageModel {
        let number: Int
        let width: Int
        let height: Int
    }

    struct Viewer: PageModel {
        let document: ViewerDocument
        let applicant: BookingsModels.Place
        let pages: [ViewerPage]
    }

    struct Region: PageModel {
        let id: Int64
        let kind: String
        let label: String
        let page: String
        let x: String
        let y: String
        let width: String
        let height: String
    }

    struct Redaction: PageModel {
        let regions: [Region]
        let kinds: [Choice]
        let errors: [String]
    }
}
