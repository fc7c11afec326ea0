import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// Intake records (B1, B2), the outreach and workplace sessions they belong to, and issuance
/// fees with receipts and the day's totals (B3). Edits are versioned; every change is audited
/// with the record it changes.
public struct IntakeDesk: Sendable {
    let intakes: IntakeStore
    let fees: FeeStore
    let applicants: ApplicantStore
    let slots: SlotStore
    let audit: AuditTrail
    let database: Database
    let clock: any TimeSource

    // MARK: intake records

    /// Records an intake for the applicant; receiving a form for an ID not yet on file links it.
    public func record(_ draft: IntakeDraft, for applicant: Applicant, caller: Caller) async throws -> Int64 {
        try await database.transaction { connection in
            try await applicants.link(applicationID: draft.applicationID, to: applicant.id, on: connection)
            let id = try await intakes.create(applicantID: applicant.id, draft, staffUserID: caller.userID, on: connection)
            try await audit.record(caller, "intake.create", recordType: "intake", recordID: String(id),
                                   detail: "applicant=\(applicant.id) channel=\(draft.channel.rawValue)", on: connection)
            return id
        }
    }

    /// Saves an edit made from `expectedVersion`; a concurrent edit is `IntakeError.staleVersion`.
    public func update(_ intake: Intake, to draft: IntakeDraft, expectedVersion: Int, caller: Caller) async throws {
        try await database.transaction { connection in
            try await applicants.link(applicationID: draft.applicationID, to: intake.applicantID, on: connection)
            try await intakes.update(id: intake.id, draft, expectedVersion: expectedVersion, changedBy: caller.userID, on: connection)
            try await audit.record(caller, "intake.update", recordType: "intake", recordID: String(intake.id),
                                   detail: "version=\(expectedVersion + 1)", on: connection)
        }
    }

    public func intake(id: Int64) async throws -> Intake? { try await intakes.find(id: id) }
    public func intakes(of applicant: Applicant) async throws -> [Intake] { try await intakes.forApplicant(applicant.id) }

    /// One intake opened by staff, with its history and fees (audited).
    public struct Record: Sendable {
        public let intake: Intake
        public let history: [IntakeHistoryEntry]
        public let fees: [Fee]
    }

    public func open(_ intake: Intake, caller: Caller) async throws -> Record {
        try await audit.record(caller, "intake.view", recordType: "intake", recordID: String(intake.id))
        return Record(intake: intake, history: try await intakes.history(intakeID: intake.id), fees: try await fees.forIntake(intake.id))
    }

    /// The intake form's choices.
    public func locations() async throws -> [Location] { try await slots.locations() }
    public func sessions(limit: Int = 200) async throws -> [IntakeSession] { try await intakes.sessions(limit: limit) }

    /// An outreach or workplace session (a date and place where applications are taken).
    public func createSession(channel: IntakeChannel?, heldOn: CalendarDate?, place: String, organisation: String, notes: String,
                              caller: Caller) async throws {
        guard let channel, channel.hasSessions, let heldOn, !place.isEmpty, place.count <= 200, organisation.count <= 200, notes.count <= 2000 else {
            throw InvalidInput([FieldProblem(field: "session", message: "種別・実施日・場所を入力してください。")])
        }
        if [place, organisation, notes].contains(where: IndividualNumber.appears) {
            throw InvalidInput([FieldProblem(field: "session", message: IndividualNumber.refusalMessage)])
        }
        try await database.transaction { connection in
            let id = try await intakes.createSession(channel: channel, heldOn: heldOn, place: place, organisation: organisation, notes: notes,
                                                     createdBy: caller.userID, on: connection)
            try await audit.record(caller, "intake-session.create", recordType: "intake_session", recordID: String(id), on: connection)
        }
    }

    // MARK: fees (B3)

    public func feeItems() async throws -> [FeeItem] { try await fees.items() }
    public func exemptions() async throws -> [FeeExemption] { try await fees.exemptions() }

    /// Adds a fee at the item's configured amount; `paid` issues a receipt number at once.
    public func addFee(to intake: Intake, item: String, status: FeeStatus, exemption: String?, notes: String, caller: Caller) async throws {
        if IndividualNumber.appears(in: notes) { throw InvalidInput([FieldProblem(field: "notes", message: IndividualNumber.refusalMessage)]) }
        if notes.count > 500 { throw InvalidInput([FieldProblem(field: "notes", message: "メモは500文字以内で入力してください。")]) }
        try await database.transaction { connection in
            let feeID = try await fees.add(intakeID: intake.id, itemCode: item, status: status, exemption: exemption,
                                           locationID: intake.draft.locationID, recordedBy: caller.userID, notes: notes, now: clock.now(),
                                           on: connection)
            try await audit.record(caller, "fee.create", recordType: "fee", recordID: String(feeID),
                                   detail: "intake=\(intake.id) item=\(item) status=\(status.rawValue)", on: connection)
        }
    }

    /// The intake a fee belongs to (the page to go back to).
    public func intakeID(ofFee id: Int64) async throws -> Int64? { try await fees.intakeID(ofFee: id) }

    /// due → paid, with the next receipt number.
    public func pay(feeID: Int64, caller: Caller) async throws {
        try await feeChange(feeID, action: "fee.pay", caller: caller) { connection in
            "receipt=\(try await fees.pay(id: feeID, locationID: nil, now: clock.now(), on: connection))"
        }
    }

    /// paid → refunded (the receipt number stays, for the books).
    public func refund(feeID: Int64, caller: Caller) async throws {
        try await feeChange(feeID, action: "fee.refund", caller: caller) { connection in
            try await fees.refund(id: feeID, now: clock.now(), on: connection)
            return ""
        }
    }

    func feeChange(_ id: Int64, action: String, caller: Caller, _ change: (PostgresConnection) async throws -> String) async throws {
        try await database.transaction { connection in
            let detail = try await change(connection)
            try await audit.record(caller, action, recordType: "fee", recordID: String(id), detail: detail, on: connection)
        }
    }

    /// The day's money per location and item, with refunds, for the cash box.
    public func dailyTotals(day: CalendarDate) async throws -> [FeeDailyTotal] { try await fees.dailyTotals(day: day) }
}
