import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The one place a desk's refusal becomes an HTTP answer: each area's error keeps its own
/// status and problem type, so a page and the API refuse the same thing the same way.
extension AppError {
    init?(domain error: any Error) {
        // A part behind us away for a moment (a failover, the blob store down): 503, try again.
        if let busy = TransientFailure.busy(for: error) {
            self = .refused(status: .serviceUnavailable, slug: "unavailable", message: busy.message)
            return
        }
        if DatabaseRefusal.isDataException(error) {
            self = .invalidInput([.init(field: "", message: "入力に使えない文字または範囲外の値が含まれています。内容を確かめてもう一度お試しください。")])
            return
        }
        switch error {
        case let error as AppError: self = error
        case let invalid as InvalidInput: self = .invalidInput(invalid.problems.map { .init(field: $0.field, message: $0.message) })
        case let error as BookingError: self = .booking(error)
        case let error as LedgerError: self = .ledger(error)
        case let error as SlotError:
            switch error {
            case .locationNotFound, .ruleNotFound, .closureNotFound, .slotNotFound: self = .notFound
            case .capacityBelowBooked: self = .refused(status: .conflict, slug: "capacity-below-booked", message: error.description)
            case .duplicateName: self = .refused(status: .conflict, slug: "duplicate-location", message: error.description)
            }
        case let error as CardReadError:
            switch error {
            case .jobNotFound: self = .notFound
            case .terminalTaken: self = .refused(status: .forbidden, slug: "terminal-taken", message: error.message)
            case .invalidTerminalName: self = .invalidInput([.init(field: "terminal", message: error.message)])
            default: self = .refused(status: .conflict, slug: "card-read-refused", message: error.message)
            }
        case let limited as RateLimited: self = .tooManyRequests(limited.message)
        case let refusal as MethodNotAllowed:
            self = .refused(status: .methodNotAllowed, slug: "method-not-allowed", message: "このアドレスは \(refusal.allowHeader) だけを受け付けます。")
        case let busy as ServiceBusy: self = .refused(status: .serviceUnavailable, slug: "busy", message: busy.message)
        case is AccessDenied: self = .forbidden
        case let error as IntakeError: self = error == .notFound ? .notFound : .conflict(error.description)
        case let error as FeeError: self = error == .notFound ? .notFound : .conflict(error.description)
        case let error as ApplicantError: self = error == .notFound ? .notFound : .conflict(error.description)
        case let error as StaffUserError:
            if case .notFound = error { self = .notFound } else { self = .conflict(error.description) }
        case let refused as AccountDesk.Refused: self = .conflict(refused.messages.joined(separator: " "))
        case let error as UnencodableExport: self = .refused(status: .unprocessableContent, slug: "unencodable-character", message: error.message)
        case let failure as DocumentIngest.Failure:
            switch failure {
            case .tooLarge: self = .payloadTooLarge
            case .concurrentUpload: self = .conflict("同じファイルが同時に登録されました。もう一度お試しください。")
            case .invalidImage(let error): self = .invalidInput([.init(field: "file", message: error.description)])
            }
        default: return nil
        }
    }

    /// A refused booking change, in the person's language.
    static func booking(_ error: BookingError, language: BookingLanguage = .ja) -> AppError {
        let message = error.message(language)
        switch error {
        case .notFound, .slotNotFound: return .refused(status: .notFound, slug: "not-found", message: message)
        case .slotFull: return .refused(status: .conflict, slug: "slot-full", message: message)
        case .outsideWindow: return .refused(status: .conflict, slug: "outside-booking-window", message: message)
        case .duplicate: return .refused(status: .conflict, slug: "duplicate-booking", message: message)
        case .tooManyOpenBookings: return .refused(status: .conflict, slug: "too-many-open-bookings", message: message)
        case .notChangeable, .alreadyCheckedIn: return .refused(status: .conflict, slug: "not-changeable", message: message)
        case .purposeMismatch: return .refused(status: .unprocessableContent, slug: "purpose-mismatch", message: message)
        case .notToday: return .refused(status: .conflict, slug: "not-today", message: message)
        case .staleVersion: return .refused(status: .conflict, slug: "stale-version", message: message)
        case .pickupNotReady: return .refused(status: .conflict, slug: "card-not-ready", message: message)
        case .invalidIdempotencyKey: return .invalidInput([.init(field: "Idempotency-Key", message: message)])
        case .idempotencyKeyReused: return .refused(status: .unprocessableContent, slug: "idempotency-key-reused", message: message)
        }
    }

    static func ledger(_ error: LedgerError) -> AppError {
        switch error {
        case .notFound: return .notFound
        case .notAllowed: return .refused(status: .conflict, slug: "stage-not-allowed", message: error.message)
        case .staleVersion: return .refused(status: .conflict, slug: "stale-version", message: error.message)
        case .placeFull, .noFreePlace: return .refused(status: .conflict, slug: "no-storage-place", message: error.message)
        case .handoverNeedsCardRead, .cardReadNotUsable: return .refused(status: .conflict, slug: "card-read-required", message: error.message)
        case .cardMismatch: return .refused(status: .conflict, slug: "card-mismatch", message: error.message)
        default: return .refused(status: .conflict, slug: "ledger-refused", message: error.message)
        }
    }
}
