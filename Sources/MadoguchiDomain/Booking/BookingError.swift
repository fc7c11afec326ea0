import Foundation

/// Why a booking change was refused; `message` is for people, in their language.
public enum BookingError: Error, Sendable, Equatable {
    case notFound
    case slotNotFound
    case slotFull
    case outsideWindow
    case duplicate(existingCode: String)
    case tooManyOpenBookings
    case notChangeable
    case purposeMismatch
    case notToday(CalendarDate)
    case alreadyCheckedIn
    case staleVersion
    case pickupNotReady(PickupCheck)
    /// An Idempotency-Key that is not 16–128 of A–Z a–z 0–9 - _.
    case invalidIdempotencyKey
    /// The Idempotency-Key was used before for another slot or person.
    case idempotencyKeyReused

    /// The message for people, in their language. It never names another person's booking.
    public func message(_ language: BookingLanguage = .ja) -> String {
        let en = language == .en
        switch self {
        case .notFound: return en ? "No booking matches that code and date of birth." : "該当する予約が見つかりません。予約番号と生年月日をご確認ください。"
        case .slotNotFound: return en ? "That time slot does not exist." : "指定の予約枠はありません。"
        case .slotFull: return en ? "Sorry, that time has just been fully booked. Please choose another time." : "申し訳ありません。この時間帯は満員になりました。別の時間をお選びください。"
        case .outsideWindow: return en ? "That time can no longer be booked online." : "この時間帯はインターネット予約の受付期間外です。"
        case .duplicate: return en ? "You already have a booking for this purpose. Change or cancel it from “Check your booking”." : "同じ方の同じ目的の予約がすでにあります。「予約の確認・変更」から変更または取消してください。"
        case .tooManyOpenBookings: return en ? "Too many open bookings for this person or contact. Please call the office." : "予約できる件数の上限に達しています。市民課へお電話ください。"
        case .notChangeable: return en ? "This booking can no longer be changed." : "この予約は変更・取消できません（取消済・来庁済または終了した予約です）。"
        case .purposeMismatch: return en ? "The new time is for another purpose." : "変更先の予約枠は目的が異なります。"
        case .notToday(let day): return en ? "This booking is for \(day)." : "本日の予約ではありません（予約日 \(day)）。"
        case .alreadyCheckedIn: return en ? "Already checked in." : "すでに来庁済です。"
        case .staleVersion: return en ? "Someone else changed this booking; reload and try again." : "他の職員がこの予約を変更しました。画面を開き直してください。"
        case .pickupNotReady(let check): return check.residentMessage(language)
        case .invalidIdempotencyKey:
            return en ? "The Idempotency-Key must be 16 to 128 letters, digits, - or _ (a UUID will do)."
                : "Idempotency-Key は英数字・-・_ の16〜128文字にしてください（UUID で構いません）。"
        case .idempotencyKeyReused:
            return en ? "This Idempotency-Key was already used for a different booking request. Use a new key for a new request."
                : "この Idempotency-Key は別の予約申込みに使われています。新しい申込みには新しいキーを使ってください。"
        }
    }
}
