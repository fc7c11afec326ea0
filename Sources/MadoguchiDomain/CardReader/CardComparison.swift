import Foundation

/// The card page's table after a read: what the card says beside the ledger and the registry,
/// field by field, with differences flagged (#15). `isSameHolder` is the handover rule: the
/// birth date is equal and the name is equal once widths, spaces and variant kanji (髙/高,
/// 﨑/崎, 邉/辺 …, which registers and J-LIS files write differently) are set aside.
public struct CardComparison: Sendable {
    public struct Row: Sendable {
        public let label: String
        public let card: String
        public let ledger: String
        public let registry: String
        public let differs: Bool
    }

    public let rows: [Row]
    public let isSameHolder: Bool
    /// Why the card is not this entry's card, for the handover refusal.
    public let mismatch: [String]

    public init(reading: CardReading, entry: LedgerEntry, registry: RegistryRecord?) {
        let birth = CalendarDate(reading.birthDate)
        func show(_ date: CalendarDate?) -> String { date.map { "\($0)（\(JapaneseDate.wareki(year: $0.year, month: $0.month, day: $0.day))）" } ?? "" }
        let nameSame = Self.sameName(reading.name, entry.name)
        let birthSame = birth != nil && birth == entry.birthDate
        let addressSame = CardData.sameAddress(reading.address, entry.cardAddress.isEmpty ? entry.address : entry.cardAddress)
        let registryAddressDiffers = registry.map { !$0.address.isEmpty && !CardData.sameAddress(reading.address, $0.address) } ?? false
        let cardExpiry = reading.cardExpiry.flatMap(CalendarDate.init)
        let certificate = CalendarDate(reading.certificateExpiry)
        rows = [
            Row(label: "氏名", card: reading.name, ledger: entry.name, registry: registry?.name ?? "",
                differs: !nameSame || registry.map { !Self.sameName(reading.name, $0.name) } ?? false),
            Row(label: "住所", card: reading.address, ledger: entry.cardAddress.isEmpty ? entry.address : entry.cardAddress,
                registry: registry?.address ?? "", differs: !addressSame || registryAddressDiffers),
            Row(label: "生年月日", card: show(birth), ledger: show(entry.birthDate), registry: show(registry?.birthDate),
                differs: !birthSame || registry.map { $0.birthDate != birth } ?? false),
            Row(label: "性別", card: reading.sex.label, ledger: entry.sex.label, registry: registry?.sex.label ?? "",
                differs: (entry.sex != .unspecified && entry.sex != reading.sex) || registry.map { $0.sex != .unspecified && $0.sex != reading.sex } ?? false),
            Row(label: "カード有効期限", card: show(cardExpiry), ledger: show(entry.cardExpiry), registry: "",
                differs: cardExpiry != nil && entry.cardExpiry != nil && cardExpiry != entry.cardExpiry),
            Row(label: "電子証明書有効期限", card: show(certificate), ledger: show(entry.certificateExpiry), registry: "",
                differs: certificate != nil && entry.certificateExpiry != nil && certificate != entry.certificateExpiry),
        ]
        var mismatch: [String] = []
        if !nameSame { mismatch.append("氏名が管理簿（\(entry.name)）と一致しません（カード: \(reading.name)）。") }
        if !birthSame { mismatch.append("生年月日が管理簿（\(show(entry.birthDate))）と一致しません（カード: \(show(birth))）。") }
        self.mismatch = mismatch
        isSameHolder = mismatch.isEmpty
    }

    /// Names compared as people read them: NFKC, no spaces, and the common variant kanji folded.
    public static func sameName(_ a: String, _ b: String) -> Bool { nameKey(a) == nameKey(b) }

    static func nameKey(_ text: String) -> String {
        let spaced = text.precomposedStringWithCompatibilityMapping
        return String(spaced.filter { !$0.isWhitespace }.map { variants[$0] ?? $0 })
    }

    /// Old and variant forms (異体字) that cards, registers and J-LIS files write differently.
    static let variants: [Character: Character] = [
        "髙": "高", "﨑": "崎", "嵜": "崎", "邉": "辺", "邊": "辺", "齋": "斎", "齊": "斉", "濵": "浜", "濱": "浜",
        "德": "徳", "櫻": "桜", "澤": "沢", "國": "国", "廣": "広", "眞": "真", "瀨": "瀬",
        "﨔": "欅", "曻": "昇", "槗": "橋", "桒": "桑", "𠮷": "吉",
    ]
}
