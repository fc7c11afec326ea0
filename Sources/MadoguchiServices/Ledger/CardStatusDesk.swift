import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// "Is my card ready?" for residents (#16): the 23-digit application ID and the date of birth
/// give one of four answers. Limited per address and per ID (guesses of birth dates for one ID
/// spread over many addresses still stop), and audited.
public struct CardStatusDesk: Sendable {
    let ledger: LedgerStore
    let limiter: RateLimiter
    let audit: AuditTrail
    let clock: any TimeSource
    let configuration: ServiceConfiguration

    public func status(applicationID text: String, birthDate: String, caller: Caller) async throws -> CardStatus {
        var problems: [FieldProblem] = []
        let id = ApplicationID(text)
        if id == nil { problems.append(FieldProblem(field: "applicationId", message: ApplicationID.invalidMessage)) }
        let birth = CalendarDate(birthDate)
        if birth == nil { problems.append(FieldProblem(field: "birthDate", message: "生年月日を日付で入力してください。")) }
        guard let id, let birth else { throw InvalidInput(problems) }
        let now = clock.now()
        let perAddress = RateLimiter.Limit(name: "card-status-addr", hits: configuration.bookingLookupsPerAddressPerHour, window: 3600)
        let perID = RateLimiter.Limit(name: "card-status-id", hits: 10, window: 3600)
        guard try await limiter.allow(perAddress, key: ClientAddress.limitKey(caller.sourceAddress), now: now),
              try await limiter.allow(perID, key: id.digits, now: now) else { throw RateLimited.bookings }
        let status = try await ledger.cardStatus(applicationID: id.digits, birthDate: birth)
        // The ID is in the row only when it matched: a guessed ID is not the office's record.
        try await audit.record(caller, "card.status-lookup", recordType: "ledger_entry", recordID: status == .notFound ? "" : id.digits,
                               result: status == .notFound ? .failure : .success, detail: "answer=\(status.rawValue)")
        return status
    }
}
