import Foundation
import MadoguchiDomain

/// The intake and fee pages' models (`intake*.mustache`, `fees-daily.mustache`).
enum IntakeModels {
    struct Option: PageModel {
        let id: Int64
        let label: String
        let name: String
        let selected: Bool
    }

    /// The intake form (a partial on the applicant page and the intake page).
    struct Form: PageModel {
        let applicationID: String
        let receivedOn: String
        let channels: [Choice]
        let locations: [Option]
        let sessions: [Option]
        let identityVerified: Bool
        let notes: String
    }

    struct Record: PageModel {
        let id: Int64
        let applicationID: String
        let channel: String
        let receivedOn: String
        let receivedWareki: String
        let location: String
        let session: String
        let identityVerified: Bool
        let notes: String
        let staff: String
        let version: Int
    }

    struct FeeRow: PageModel {
        let id: Int64
        let item: String
        let amount: Int
        let status: String
        let isDue: Bool
        let isPaid: Bool
        let receipt: String
        let exemption: String
        let paidAt: String
    }

    struct HistoryRow: PageModel {
        let version: Int
        let changedAt: String
        let changedBy: String
        let before: String
    }

    struct FeeItemRow: PageModel {
        let code: String
        let label: String
        let amount: Int
    }

    struct DocumentRow: PageModel {
        let id: Int64
        let kind: String
        let pageCount: Int
    }

    struct Page: PageModel {
        let intake: Record
        let applicant: BookingsModels.Place
        let applicantKana: String
        let form: Form
        let canEdit: Bool
        let canFees: Bool
        let history: [HistoryRow]
        let fees: [FeeRow]
        let feeItems: [FeeItemRow]
        let exemptions: [Choice]
        let errors: [String]
        let canSeeDocuments: Bool
        let documents: [DocumentRow]
    }

    struct SessionRow: PageModel {
        let id: Int64
        let channel: String
        let heldOn: String
        let place: String
        let organisation: String
        let count: Int
    }

    struct Sessions: PageModel {
        let sessions: [SessionRow]
        let canWrite: Bool
        let today: String
    }

    struct DailyRow: PageModel {
        let location: String
        let item: String
        let paidCount: Int
        let paidAmount: Int
        let refundedCount: Int
        let refundedAmount: Int
        let net: Int
    }

    struct Daily: PageModel {
        let day: String
        let dayWareki: String
        let rows: [DailyRow]
        let total: Int
    }
}
