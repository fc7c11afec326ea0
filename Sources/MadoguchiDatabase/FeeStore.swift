import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Issuance fees per intake (B3): due, paid (with a receipt number from a sequence), exempt, or
/// refunded; and the day's totals per location for reconciling the cash box.
public struct FeeStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    public func items() async throws -> [FeeItem] {
        try await database.client.all("SELECT code, label, amount FROM fee_item WHERE active ORDER BY sort_order, code",
                                      as: (String, String, Int).self, logger: logger).map { FeeItem(code: $0.0, label: $0.1, amount: $0.2) }
    }

    public func exemptions() async throws -> [FeeExemption] {
        try await database.client.all("SELECT code, label FROM fee_exemption ORDER BY code",
                                      as: (String, String).self, logger: logger).map { FeeExemption(code: $0.0, label: $0.1) }
    }

    /// Adds a fee at the item's configured amount. `paid` issues a receipt number at once.
    public func add(intakeID: Int64, itemCode: String, status: FeeStatus, exemption: String?, locationID: Int64?, recordedBy: Int64?,
                    notes: String, now: Date, on connection: PostgresConnection) async throws -> Int64 {
        guard let amount = try await connection.first("SELECT amount FROM fee_item WHERE code = \(itemCode) AND active",
                                                      as: (Int).self, logger: logger) else { throw FeeError.unknownItem }
        if status == .exempt, exemption == nil { throw FeeError.exemptionRequired }
        guard status == .due || status == .paid || status == .exempt else { throw FeeError.invalidTransition }
        let receipt = status == .paid ? try await nextReceiptNumber(now: now, on: connection) : nil
        guard let id = try await connection.first("""
            INSERT INTO fee (intake_id, fee_item, amount, status, exemption, receipt_number, paid_at, location_id, recorded_by, notes)
            VALUES (\(intakeID), \(itemCode), \(amount), \(status.rawValue), \(status == .exempt ? exemption : nil), \(receipt),
                    \(status == .paid ? now : nil), \(locationID), \(recordedBy), \(notes))
            RETURNING id
            """, as: (Int64).self, logger: logger) else { throw FeeError.notFound }
        return id
    }

    /// due → paid: issues the next receipt number. Returns it.
    public func pay(id: Int64, locationID: Int64?, now: Date, on connection: PostgresConnection) async throws -> String {
        try await requireStatus(id, .due, on: connection)
        let receipt = try await nextReceiptNumber(now: now, on: connection)
        try await connection.execute("""
            UPDATE fee SET status = 'paid', receipt_number = \(receipt), paid_at = \(now), location_id = coalesce(\(locationID), location_id),
                   updated_at = now() WHERE id = \(id)
            """, logger: logger)
        return receipt
    }

    /// paid → refunded (the receipt number stays, for the books).
    public func refund(id: Int64, now: Date, on connection: PostgresConnection) async throws {
        try await requireStatus(id, .paid, on: connection)
        try await connection.execute("UPDATE fee SET status = 'refunded', refunded_at = \(now), updated_at = now() WHERE id = \(id)",
                                     logger: logger)
    }

    func requireStatus(_ id: Int64, _ status: FeeStatus, on connection: PostgresConnection) async throws {
        guard let current = try await connection.first("SELECT status FROM fee WHERE id = \(id) FOR UPDATE", as: (String).self, logger: logger)
        else { throw FeeError.notFound }
        guard current == status.rawValue else { throw FeeError.invalidTransition }
    }

    /// `R2026-000123`: the fiscal year (April to March) and a number from a database sequence,
    /// so every instance hands out distinct numbers without gaps from collisions.
    func nextReceiptNumber(now: Date, on connection: PostgresConnection) async throws -> String {
        let day = CalendarDate(now)
        let fiscalYear = day.month >= 4 ? day.year : day.year - 1
        let number: Int64 = try await connection.first("SELECT nextval('fee_receipt_seq')", as: (Int64).self, logger: logger) ?? 0
        return String(format: "R%04d-%06lld", fiscalYear, number)
    }

    public func forIntake(_ intakeID: Int64) async throws -> [Fee] {
        try await database.client.all("""
            SELECT f.id, f.intake_id, f.fee_item, i.label, f.amount, f.status, f.exemption, f.receipt_number, f.paid_at, f.notes
            FROM fee f JOIN fee_item i ON i.code = f.fee_item WHERE f.intake_id = \(intakeID) ORDER BY f.id
            """, as: (Int64, Int64, String, String, Int, String, String?, String?, Date?, String).self, logger: logger)
            .map { Fee(id: $0.0, intakeID: $0.1, itemCode: $0.2, itemLabel: $0.3, amount: $0.4, status: FeeStatus(rawValue: $0.5) ?? .due,
                       exemption: $0.6, receiptNumber: $0.7, paidAt: $0.8, notes: $0.9) }
    }

    public func intakeID(ofFee id: Int64) async throws -> Int64? {
        try await database.client.first("SELECT intake_id FROM fee WHERE id = \(id)", as: (Int64).self, logger: logger)
    }

    /// Money taken and refunded on `day` (Tokyo time), per location and fee item.
    public func dailyTotals(day: CalendarDate) async throws -> [FeeDailyTotal] {
        try await database.client.all("""
            SELECT coalesce(l.name, '（場所未設定）'), i.label,
                   count(*) FILTER (WHERE (f.paid_at AT TIME ZONE 'Asia/Tokyo')::date = \(day.description)::date),
                   coalesce(sum(f.amount) FILTER (WHERE (f.paid_at AT TIME ZONE 'Asia/Tokyo')::date = \(day.description)::date), 0)::int,
                   count(*) FILTER (WHERE (f.refunded_at AT TIME ZONE 'Asia/Tokyo')::date = \(day.description)::date),
                   coalesce(sum(f.amount) FILTER (WHERE (f.refunded_at AT TIME ZONE 'Asia/Tokyo')::date = \(day.description)::date), 0)::int
            FROM fee f JOIN fee_item i ON i.code = f.fee_item LEFT JOIN location l ON l.id = f.location_id
            WHERE (f.paid_at AT TIME ZONE 'Asia/Tokyo')::date = \(day.description)::date
               OR (f.refunded_at AT TIME ZONE 'Asia/Tokyo')::date = \(day.description)::date
            GROUP BY l.name, l.sort_order, i.label, i.sort_order ORDER BY l.sort_order NULLS LAST, l.name, i.sort_order
            """, as: (String, String, Int, Int, Int, Int).self, logger: logger)
            .map { FeeDailyTotal(location: $0.0, itemLabel: $0.1, paidCount: $0.2, paidAmount: $0.3, refundedCount: $0.4, refundedAmount: $0.5) }
    }
}

