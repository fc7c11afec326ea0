import Foundation

/// The mails about a booking (#16), in the booking's language: the code, the place and time,
/// what to bring for its purpose, how to change or cancel. Nothing personal beyond the name;
/// never an individual number (nothing here could carry one: the fields are the office's).
public struct BookingMail: Sendable {
    /// The office as it signs its mails.
    public struct Office: Sendable {
        public var cityName: String
        public var officeName: String
        /// The resident site's address for the change/cancel link (`…/reservation`); empty: no link.
        public var residentSiteURL: String
        /// The closing block (phone, opening hours), set by the office.
        public var signature: String

        public init(cityName: String, officeName: String, residentSiteURL: String, signature: String) {
            self.cityName = cityName
            self.officeName = officeName
            self.residentSiteURL = residentSiteURL
            self.signature = signature
        }
    }

    public let office: Office

    public init(office: Office) { self.office = office }

    /// nil when the booking has no e-mail address. `wording` is an administrator's edit of the
    /// subject and opening (`MailWording`); nil: the standard one.
    public func mail(_ kind: OutgoingMail.Kind, _ booking: Booking, wording: MailWording? = nil) -> OutgoingMail? {
        let address = booking.input.email.trimmingCharacters(in: .whitespaces)
        guard !address.isEmpty, kind.isAboutBooking else { return nil }
        let english = booking.language == .en
        let words = (wording ?? MailWording.standard(kind, booking.language)).filled(["{city}": office.cityName, "{code}": booking.code])
        let subject = words.subject, lead = words.lead
        var lines: [String] = []
        if english {
            lines += ["Dear \(booking.input.fullName),", "", lead, "",
                      "Booking code: \(booking.code)",
                      "Date and time: \(Self.englishDate(booking.startsAt, booking.endsAt))",
                      "Place: \(booking.locationName)",
                      "Purpose: \(booking.purpose.englishLabel)"]
            if kind != .bookingCancelled && kind != .slotWithdrawn {
                lines += ["", "Please bring:"] + Self.bring(booking.purpose, english: true).map { "- \($0)" }
            }
            if kind != .bookingCancelled {
                lines += ["", "To change or cancel, open \(manageLink) and enter the booking code and your date of birth."]
            }
        } else {
            lines += ["\(booking.input.fullName) 様", "", lead, "",
                      "予約番号: \(booking.code)",
                      "日時: \(JapaneseDate.wareki(year: booking.day.year, month: booking.day.month, day: booking.day.day)) \(JapaneseDate.timeRange(booking.startsAt, booking.endsAt))",
                      "場所: \(booking.locationName)",
                      "用件: \(booking.purpose.label)"]
            if kind != .bookingCancelled && kind != .slotWithdrawn {
                lines += ["", "お持ちいただくもの:"] + Self.bring(booking.purpose, english: false).map { "・\($0)" }
            }
            if kind != .bookingCancelled {
                lines += ["", "日時の変更・取消は \(manageLink) から、予約番号と生年月日を入力して行えます。"]
            }
        }
        lines += ["", english ? "This mail was sent automatically; replies are read by the office." : "このメールは自動送信です。返信は窓口で確認します。",
                  "", "\(office.cityName) \(office.officeName)"]
        if !office.signature.isEmpty { lines.append(office.signature) }
        return OutgoingMail(kind: kind, bookingID: booking.id, recipient: address, subject: subject, body: lines.joined(separator: "\n"))
    }

    var manageLink: String {
        office.residentSiteURL.isEmpty ? "予約サイトの「予約の確認・変更」" : office.residentSiteURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/reservation"
    }

    static func bring(_ purpose: BookingPurpose, english: Bool) -> [String] {
        switch (purpose, english) {
        case (.application, false): ["交付申請書（お持ちの場合）", "本人確認書類（運転免許証など）", "現在お持ちのマイナンバーカードまたは通知カード", "顔写真（縦4.5cm×横3.5cm、お持ちの場合）"]
        case (.pickup, false): ["交付通知書（はがき）", "本人確認書類（運転免許証など）", "現在お持ちのマイナンバーカード（更新の場合）"]
        case (.application, true): ["the application form (if you have it)", "photo ID (e.g. a driving licence or residence card)",
                                    "your current My Number card or notification card", "a photo 4.5 cm × 3.5 cm (if you have one)"]
        case (.pickup, true): ["the notice postcard (交付通知書)", "photo ID (e.g. a driving licence or residence card)", "your current My Number card (for renewals)"]
        }
    }

    static func englishDate(_ start: Date, _ end: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Tokyo")
        formatter.dateFormat = "EEEE d MMMM yyyy, HH:mm"
        let until = DateFormatter()
        until.locale = formatter.locale
        until.timeZone = formatter.timeZone
        until.dateFormat = "HH:mm"
        return "\(formatter.string(from: start))–\(until.string(from: end))"
    }
}
