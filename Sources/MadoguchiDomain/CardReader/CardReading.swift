import Foundation

/// What the counter's card reader read from a My Number card (C7, #15): the four basic facts of
/// 券面事項入力補助AP, the card's expiry (券面事項確認AP) and the notAfter of the user
/// authentication certificate (JPKI AP). Never the individual number: the reader does not select
/// the files that hold it. The JSON the agent posts:
///
///     { "name": "髙﨑　花子", "address": "東京都…５丁目６番１３号", "birthDate": "1980-02-17",
///       "sex": "female", "cardExpiry": "2036-02-29", "certificateExpiry": "2031-02-17" }
///
/// `cardExpiry` is absent when the holder unlocked the card with the PIN: the card-face AP opens
/// only with 照合番号B.
public struct CardReading: Sendable, Codable, Equatable {
    public var name: String
    public var address: String
    public var birthDate: String
    public var sex: Sex
    public var cardExpiry: String?
    public var certificateExpiry: String

    public init(name: String, address: String, birthDate: String, sex: Sex, cardExpiry: String?, certificateExpiry: String) {
        self.name = name
        self.address = address
        self.birthDate = birthDate
        self.sex = sex
        self.cardExpiry = cardExpiry
        self.certificateExpiry = certificateExpiry
    }

    /// Refuses what no card carries: dates that are not dates, over-long text, an individual
    /// number anywhere (a broken or hostile agent must not get one into the ledger).
    public func validated() throws -> CardReading {
        var problems: [FieldProblem] = []
        for (field, value) in [("name", name), ("address", address)] {
            if value.isEmpty || value.count > 200 { problems.append(FieldProblem(field: field, message: "カードの\(field == "name" ? "氏名" : "住所")が読み取れていません。")) }
            if IndividualNumber.appears(in: value) { problems.append(FieldProblem(field: field, message: IndividualNumber.refusalMessage)) }
        }
        for (field, value) in [("birthDate", birthDate), ("cardExpiry", cardExpiry ?? "2000-01-01"), ("certificateExpiry", certificateExpiry)]
            where CalendarDate(value) == nil {
            problems.append(FieldProblem(field: field, message: "日付（YYYY-MM-DD）ではありません。"))
        }
        if !problems.isEmpty { throw InvalidInput(problems) }
        return self
    }
}
