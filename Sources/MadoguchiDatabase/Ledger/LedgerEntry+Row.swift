import Foundation
import MadoguchiDomain

/// How a ledger entry is read from `ledger_entry` with its storage place.
extension LedgerEntry {
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
