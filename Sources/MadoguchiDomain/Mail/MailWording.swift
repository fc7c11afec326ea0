import Foundation

/// The words of a mail an administrator may change (#16): its subject and opening paragraph, per
/// kind and language. The facts (booking code, date, place, what to bring, the links, the stop
/// link, the office's signature) are always written by the system, so an edit can reword a mail
/// but never drop what it must say. Placeholders in braces are filled when the mail is written.
public struct MailWording: Sendable, Equatable {
    public var subject: String
    public var lead: String

    public init(subject: String, lead: String) {
        self.subject = subject
        self.lead = lead
    }

    /// The kinds and languages that can be edited: card mails go out in Japanese only (the
    /// agreement records no language).
    public static var editable: [(OutgoingMail.Kind, BookingLanguage)] {
        [OutgoingMail.Kind.bookingConfirmation, .bookingMoved, .bookingCancelled, .bookingReminder, .slotWithdrawn].flatMap { [($0, .ja), ($0, .en)] }
            + [(.cardReady, .ja), (.renewalInvitation, .ja)]
    }

    public static func isEditable(_ kind: OutgoingMail.Kind, _ language: BookingLanguage) -> Bool {
        editable.contains { $0 == (kind, language) }
    }

    /// `{city}` everywhere; `{code}` in booking mails; `{what}` (カード or 電子証明書) in renewal invitations.
    public static func placeholders(_ kind: OutgoingMail.Kind) -> [String] {
        switch kind {
        case .cardReady: ["{city}"]
        case .renewalInvitation: ["{city}", "{what}"]
        default: ["{city}", "{code}"]
        }
    }

    public func filled(_ values: [String: String]) -> MailWording {
        var result = self
        for (key, value) in values {
            result.subject = result.subject.replacingOccurrences(of: key, with: value)
            result.lead = result.lead.replacingOccurrences(of: key, with: value)
        }
        return result
    }

    /// What an administrator's text must not be: empty, a subject over one line or 150
    /// characters, an opening over 2000, a placeholder this kind does not have, an individual number.
    public func problems(_ kind: OutgoingMail.Kind) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        let subject = self.subject.trimmingCharacters(in: .whitespaces)
        if subject.isEmpty || subject.count > 150 || subject.contains(where: \.isNewline) {
            problems.append(FieldProblem(field: "subject", message: "件名は1行、150文字以内で入力してください。"))
        }
        if lead.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || lead.count > 2000 {
            problems.append(FieldProblem(field: "lead", message: "本文の書き出しは1文字以上2000文字以内で入力してください。"))
        }
        let allowed = Set(Self.placeholders(kind))
        let used = (subject + lead).matches(of: /\{[^{}]*\}/).map { String($0.output) }
        if let unknown = used.first(where: { !allowed.contains($0) }) {
            problems.append(FieldProblem(field: "lead", message: "\(unknown) は使えません。使える差し込み: \(Self.placeholders(kind).joined(separator: " "))"))
        }
        if IndividualNumber.appears(in: subject) || IndividualNumber.appears(in: lead) {
            problems.append(FieldProblem(field: "lead", message: IndividualNumber.refusalMessage))
        }
        return problems
    }

    /// The wording the product ships with.
    public static func standard(_ kind: OutgoingMail.Kind, _ language: BookingLanguage) -> MailWording {
        switch (kind, language) {
        case (.bookingConfirmation, .ja):
            MailWording(subject: "【{city}】マイナンバーカード窓口の予約を受け付けました（{code}）", lead: "マイナンバーカード窓口の来庁予約を受け付けました。")
        case (.bookingMoved, .ja):
            MailWording(subject: "【{city}】予約の日時を変更しました（{code}）", lead: "来庁予約の日時を変更しました。新しい日時は次のとおりです。")
        case (.bookingCancelled, .ja):
            MailWording(subject: "【{city}】予約を取り消しました（{code}）", lead: "次の来庁予約を取り消しました。")
        case (.bookingReminder, .ja):
            MailWording(subject: "【{city}】来庁予約のお知らせ（{code}）", lead: "ご予約の日時が近づきましたのでお知らせします。")
        case (.slotWithdrawn, .ja):
            MailWording(subject: "【{city}】ご予約の日時で窓口を開けられなくなりました（{code}）",
                        lead: "申し訳ありません。窓口の都合（臨時休業など）により、次のご予約の日時にはお受けできなくなりました。お手数ですが、別の日時への変更をお願いします。")
        case (.bookingConfirmation, .en):
            MailWording(subject: "[{city}] Your My Number card appointment is booked ({code})", lead: "Your appointment at the My Number card counter is booked.")
        case (.bookingMoved, .en):
            MailWording(subject: "[{city}] Your appointment has been moved ({code})", lead: "Your appointment has been moved. The new date and time:")
        case (.bookingCancelled, .en):
            MailWording(subject: "[{city}] Your appointment has been cancelled ({code})", lead: "The following appointment has been cancelled.")
        case (.bookingReminder, .en):
            MailWording(subject: "[{city}] Reminder: your My Number card appointment ({code})",
                        lead: "This is a reminder of your appointment at the My Number card counter.")
        case (.slotWithdrawn, .en):
            MailWording(subject: "[{city}] Your appointment time is no longer available ({code})",
                        lead: "We are sorry: the counter cannot open at the time of the following appointment (for example, an unplanned closure). Please choose another time.")
        case (.cardReady, _):
            MailWording(subject: "【{city}】マイナンバーカードの交付の準備ができました",
                        lead: "お申し込みのマイナンバーカードの交付の準備ができました。\n受け取りには来庁の予約が必要です。次のページから受け取りの日時を予約してください。")
        case (.renewalInvitation, _):
            MailWording(subject: "【{city}】{what}の更新のご案内",
                        lead: "お持ちの{what}の有効期限が近づいています。\n期限の3か月前から更新の手続きができます。期限が過ぎると、健康保険証としての利用やコンビニ交付などが使えなくなります。")
        }
    }
}
