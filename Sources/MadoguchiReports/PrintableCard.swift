/// The facts about one card that the printed forms show.
///
/// Every value is pre-formatted by the caller so this module never has to
/// know about calendars, eras or the database; it holds no individual number
/// on purpose, so no form can leak one.
public struct PrintableCard: Sendable {
    public var applicationID: String
    public var name: String
    public var kana: String
    public var birthDate: String
    public var sex: String
    public var address: String
    public var cardKind: String
    public var visitType: String
    public var deliveryBatch: String
    public var storagePlace: String?
    public var cardExpiry: String?
    public var certificateExpiry: String?

    public init(
        applicationID: String,
        name: String,
        kana: String,
        birthDate: String,
        sex: String,
        address: String,
        cardKind: String,
        visitType: String,
        deliveryBatch: String,
        storagePlace: String? = nil,
        cardExpiry: String? = nil,
        certificateExpiry: String? = nil
    ) {
        self.applicationID = applicationID
        self.name = name
        self.kana = kana
        self.birthDate = birthDate
        self.sex = sex
        self.address = address
        self.cardKind = cardKind
        self.visitType = visitType
        self.deliveryBatch = deliveryBatch
        self.storagePlace = storagePlace
        self.cardExpiry = cardExpiry
        self.certificateExpiry = certificateExpiry
    }
}

extension PrintableCard {
    /// The 23-digit 申請書ID split 4-4-4-4-4-3 so staff can read it aloud and
    /// compare it with the card envelope without losing their place.
    var groupedApplicationID: String {
        let digits = applicationID.filter { !$0.isWhitespace && $0 != "-" }
        // Anything that is not a plain digit string is shown untouched rather
        // than regrouped into something that looks valid but is not.
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            return applicationID
        }
        var groups: [Substring] = []
        var rest = Substring(digits)
        while !rest.isEmpty {
            groups.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }
}
