import Foundation

/// The mails about a card rather than a visit (#16): "your card is ready" when it reaches
/// 交付通知済, and the renewal invitation staff send from the outreach list. Only to a person who
/// gave an address and agreed to be written to, and each with the link that stops them. Like
/// the booking mails, nothing personal beyond the name: no application ID, no dates of the card.
public struct CardMail: Sendable {
    public let office: BookingMail.Office

    public init(office: BookingMail.Office) { self.office = office }

    /// `wording` is an administrator's edit of the subject and opening; nil: the standard one.
    public func cardReady(name: String, recipient: String, ledgerEntryID: Int64, unsubscribeURL: String?, wording: MailWording? = nil) -> OutgoingMail {
        let words = (wording ?? MailWording.standard(.cardReady, .ja)).filled(["{city}": office.cityName])
        let lines = [name.isEmpty ? "マイナンバーカードをお申し込みの方へ" : "\(name) 様", "", words.lead, "",
                     "受け取りの予約: \(link("/book?purpose=pickup", fallback: "予約サイトの「受け取りの予約」"))", "",
                     "お持ちいただくもの:"] + BookingMail.bring(.pickup, english: false).map { "・\($0)" }
            + footer(unsubscribeURL, about: "カードの交付・更新のお知らせ")
        return OutgoingMail(kind: .cardReady, bookingID: nil, ledgerEntryID: ledgerEntryID, recipient: recipient, subject: words.subject,
                            body: lines.joined(separator: "\n"), unsubscribeURL: unsubscribeURL)
    }

    public func renewalInvitation(name: String, recipient: String, ledgerEntryID: Int64, basis: RenewalBasis, unsubscribeURL: String?,
                                  wording: MailWording? = nil) -> OutgoingMail {
        let what = basis == .card ? "マイナンバーカード" : "マイナンバーカードの電子証明書"
        let words = (wording ?? MailWording.standard(.renewalInvitation, .ja)).filled(["{city}": office.cityName, "{what}": what])
        let lines = [name.isEmpty ? "マイナンバーカードをお持ちの方へ" : "\(name) 様", "", words.lead, "",
                     "窓口での手続きは予約制です: \(link("/book?purpose=application", fallback: "予約サイトの「申請の予約」"))", "",
                     "お持ちいただくもの:"] + BookingMail.bring(.application, english: false).map { "・\($0)" }
            + footer(unsubscribeURL, about: "カードの交付・更新のお知らせ")
        return OutgoingMail(kind: .renewalInvitation, bookingID: nil, ledgerEntryID: ledgerEntryID, recipient: recipient, subject: words.subject,
                            body: lines.joined(separator: "\n"), unsubscribeURL: unsubscribeURL)
    }

    func link(_ path: String, fallback: String) -> String {
        office.residentSiteURL.isEmpty ? fallback : office.residentSiteURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path
    }

    func footer(_ unsubscribeURL: String?, about: String) -> [String] {
        var lines = ["", "このメールは自動送信です。返信は窓口で確認します。"]
        if let unsubscribeURL {
            lines += ["\(about)が不要になったときは、次のページで配信を停止できます: \(unsubscribeURL)"]
        } else {
            lines += ["\(about)が不要になったときは、窓口へお申し出ください。"]
        }
        lines += ["", "\(office.cityName) \(office.officeName)"]
        if !office.signature.isEmpty { lines.append(office.signature) }
        return lines
    }
}
