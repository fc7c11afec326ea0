import Foundation

/// The mails about a card rather than a visit (#16): "your card is ready" when it reaches
/// 交付通知済, and the renewal invitation staff send from the outreach list. Only to a person who
/// gave an address and agreed to be written to, and each with the link that stops them. Like
/// the booking mails, nothing personal beyond the name: no application ID, no dates of the card.
public struct CardMail: Sendable {
    public let office: BookingMail.Office

    public init(office: BookingMail.Office) { self.office = office }

    public func cardReady(name: String, recipient: String, ledgerEntryID: Int64, unsubscribeURL: String?) -> OutgoingMail {
        let lines = [name.isEmpty ? "マイナンバーカードをお申し込みの方へ" : "\(name) 様", "",
                     "お申し込みのマイナンバーカードの交付の準備ができました。",
                     "受け取りには来庁の予約が必要です。次のページから受け取りの日時を予約してください。", "",
                     "受け取りの予約: \(link("/book?purpose=pickup", fallback: "予約サイトの「受け取りの予約」"))", "",
                     "お持ちいただくもの:"] + BookingMail.bring(.pickup, english: false).map { "・\($0)" }
            + footer(unsubscribeURL, about: "カードの交付・更新のお知らせ")
        return OutgoingMail(kind: .cardReady, bookingID: nil, ledgerEntryID: ledgerEntryID, recipient: recipient,
                            subject: "【\(office.cityName)】マイナンバーカードの交付の準備ができました",
                            body: lines.joined(separator: "\n"), unsubscribeURL: unsubscribeURL)
    }

    public func renewalInvitation(name: String, recipient: String, ledgerEntryID: Int64, basis: RenewalBasis, unsubscribeURL: String?) -> OutgoingMail {
        let what = basis == .card ? "マイナンバーカード" : "マイナンバーカードの電子証明書"
        let lines = [name.isEmpty ? "マイナンバーカードをお持ちの方へ" : "\(name) 様", "",
                     "お持ちの\(what)の有効期限が近づいています。",
                     "期限の3か月前から更新の手続きができます。期限が過ぎると、健康保険証としての利用やコンビニ交付などが使えなくなります。", "",
                     "窓口での手続きは予約制です: \(link("/book?purpose=application", fallback: "予約サイトの「申請の予約」"))", "",
                     "お持ちいただくもの:"] + BookingMail.bring(.application, english: false).map { "・\($0)" }
            + footer(unsubscribeURL, about: "カードの交付・更新のお知らせ")
        return OutgoingMail(kind: .renewalInvitation, bookingID: nil, ledgerEntryID: ledgerEntryID, recipient: recipient,
                            subject: "【\(office.cityName)】マイナンバーカード\(basis == .card ? "" : "の電子証明書")の更新のご案内",
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
