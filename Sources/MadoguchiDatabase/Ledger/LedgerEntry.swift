import Foundation
import MadoguchiDomain

/// One card in the ledger (カード管理簿), as the pages, the API and the PDFs read it.
public struct LedgerEntry: Sendable, Equatable {
    public var id: Int64
    public var applicationID: String
    public var applicantID: Int64?
    public var name: String
    public var kana: String
    public var birthDate: CalendarDate?
    public var sex: Sex
    public var address: String
    public var cardKind: CardKind
    public var visitType: VisitType
    public var visitTypeSource: String
    public var deliveryBatch: String
    public var deliveredOn: CalendarDate?
    public var stage: LedgerStage
    public var heldFrom: LedgerStage?
    public var stageChangedAt: Date
    public var notifiedAt: Date?
    public var handedOverAt: Date?
    public var storageSlotID: Int64?
    public var storagePlace: String?
    public var cardExpiry: CalendarDate?
    public var certificateExpiry: CalendarDate?
    public var cardAddress: String
    public var cardDataSource: String?
    public var cardDataAt: Date?
    public var qrConfirmedAt: Date?
    public var notes: String
    public var source: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// The stages this card may move to now. A hold is lifted back to the stage it was taken
    /// from or an earlier one, so that a card cannot skip setup by way of a hold.
    public var allowedMoves: [LedgerStage] {
        LedgerStage.allCases.filter { target in
            guard stage.canMove(to: target) else { return false }
            if stage == .onHold, let index = LedgerStage.mainLine.firstIndex(of: target) {
                let resume = LedgerStage.mainLine.firstIndex(of: heldFrom ?? .delivered) ?? 0
                return index <= resume
            }
            return true
        }
    }

    static let select = """
        SELECT e.id, e.application_id, e.applicant_id, e.name, e.kana, e.birth_date::text, e.sex, e.address, e.card_kind, e.visit_type,
               e.visit_type_source, e.delivery_batch, e.delivered_on::text, e.stage, e.held_from, e.stage_changed_at, e.notified_at,
               e.handed_over_at, e.storage_slot_id, p.code, e.card_expiry::text, e.certificate_expiry::text,
               e.card_address, e.card_data_source, e.card_data_at, e.qr_confirmed_at, e.notes, e.source, e.version, e.created_at, e.updated_at
        FROM ledger_entry e
        LEFT JOIN storage_place p ON p.id = e.storage_slot_id
        """

    typealias Row = (Int64, String, Int64?, String, String, String?, String, String, String, String,
                     String, String, String?, String, String?, Date, Date?,
                     Date?, Int64?, String?, String?, String?,
                     String, String?, Date?, Date?, String, String, Int, Date, Date)

    static func decode(_ r: Row) -> LedgerEntry {
        LedgerEntry(
            id: r.0, applicationID: r.1, applicantID: r.2, name: r.3, kana: r.4, birthDate: r.5.flatMap(CalendarDate.init),
            sex: Sex(rawValue: r.6) ?? .unspecified, address: r.7, cardKind: CardKind(rawValue: r.8) ?? .new,
            visitType: VisitType(rawValue: r.9) ?? .atPickup, visitTypeSource: r.10, deliveryBatch: r.11,
            deliveredOn: r.12.flatMap(CalendarDate.init), stage: LedgerStage(rawValue: r.13) ?? .delivered,
            heldFrom: r.14.flatMap(LedgerStage.init(rawValue:)), stageChangedAt: r.15, notifiedAt: r.16, handedOverAt: r.17,
            storageSlotID: r.18, storagePlace: r.19, cardExpiry: r.20.flatMap(CalendarDate.init), certificateExpiry: r.21.flatMap(CalendarDate.init),
            cardAddress: r.22, cardDataSource: r.23, cardDataAt: r.24, qrConfirmedAt: r.25, notes: r.26, source: r.27, version: r.28,
            createdAt: r.29, updatedAt: r.30)
    }
}

/// One line of an entry's history.
public struct LedgerEvent: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var fromStage: LedgerStage?
    public var toStage: LedgerStage?
    public var storagePlace: String?
    public var note: String
    public var staffLogin: String?
    public var at: Date
}
