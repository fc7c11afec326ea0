import Foundation

/// What a card reader at the counter reads from the card's front-face data (C7), or what staff
/// type from the card: the address, the card's expiry and the certificates' expiry. This is the
/// JSON document of `POST /api/v1/ledger/{applicationId}/card-data`:
///
///     { "address": "東京都西東京市南町五丁目6番13号", "cardExpiry": "2036-11-29",
///       "certificateExpiry": "2031-11-29", "reader": "counter-3" }
///
/// Dates are `YYYY-MM-DD` (和暦 is accepted too). No individual number is part of it, and one in
/// any field is refused.
public struct CardData: Sendable, Codable, Equatable {
    public var address: String
    public var cardExpiry: String
    public var certificateExpiry: String
    public var reader: String?

    public init(address: String, cardExpiry: String, certificateExpiry: String, reader: String? = nil) {
        self.address = address
        self.cardExpiry = cardExpiry
        self.certificateExpiry = certificateExpiry
        self.reader = reader
    }

    public struct Checked: Sendable, Equatable {
        public let address: String
        public let cardExpiry: CalendarDate
        public let certificateExpiry: CalendarDate
    }

    /// Checks the dates against what a card can carry: a card is valid for at most ten years and
    /// its certificates for five, both counted from issue (at most a few months before today).
    public func validated(today: CalendarDate) -> Result<Checked, InvalidInput> {
        var problems: [FieldProblem] = []
        let address = FileValue.text(self.address)
        if address.isEmpty { problems.append(FieldProblem(field: "address", message: "住所を入力してください。")) }
        if address.count > 200 { problems.append(FieldProblem(field: "address", message: "住所は200文字までです。")) }
        for value in [address, reader ?? ""] where IndividualNumber.appears(in: value) {
            problems.append(FieldProblem(field: "address", message: IndividualNumber.refusalMessage))
        }
        let card = FileDate.parse(cardExpiry)
        let certificate = FileDate.parse(certificateExpiry)
        if card == nil { problems.append(FieldProblem(field: "cardExpiry", message: "カード有効期限を日付（YYYY-MM-DD）で入力してください。")) }
        if certificate == nil { problems.append(FieldProblem(field: "certificateExpiry", message: "電子証明書有効期限を日付（YYYY-MM-DD）で入力してください。")) }
        if let card {
            if card <= today { problems.append(FieldProblem(field: "cardExpiry", message: "カード有効期限が過ぎています（\(card)）。")) }
            if card.year > today.year + 11 { problems.append(FieldProblem(field: "cardExpiry", message: "カード有効期限が遠すぎます（発行から最長10年）。")) }
        }
        if let certificate {
            if certificate <= today { problems.append(FieldProblem(field: "certificateExpiry", message: "電子証明書有効期限が過ぎています（\(certificate)）。")) }
            if certificate.year > today.year + 6 { problems.append(FieldProblem(field: "certificateExpiry", message: "電子証明書有効期限が遠すぎます（発行から最長5年）。")) }
            if let card, certificate > card { problems.append(FieldProblem(field: "certificateExpiry", message: "電子証明書有効期限がカード有効期限より後になっています。")) }
        }
        guard problems.isEmpty, let card, let certificate else { return .failure(InvalidInput(problems)) }
        return .success(Checked(address: address, cardExpiry: card, certificateExpiry: certificate))
    }

    /// Addresses compared the way people read them: widths, spaces and the 丁目/番/号 separators
    /// written as hyphens do not make a difference.
    public static func sameAddress(_ a: String, _ b: String) -> Bool {
        addressKey(a) == addressKey(b)
    }

    static func addressKey(_ text: String) -> String {
        var key = FileValue.key(text).replacingOccurrences(of: " ", with: "")
        for (from, to) in [("丁目", "-"), ("番地", "-"), ("番", "-"), ("号", ""), ("ー", "-"), ("−", "-"), ("‐", "-")] {
            key = key.replacingOccurrences(of: from, with: to)
        }
        while key.hasSuffix("-") { key.removeLast() }
        return key
    }
}
