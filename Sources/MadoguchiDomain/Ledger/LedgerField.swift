/// The columns of the issuance-list import (C3) and of the existing-ledger import (E5). The
/// issuance list uses the first group; a city ledger may also carry its state (stage, place, dates).
public enum LedgerField: String, ImportField {
    case applicationID, name, kana, birthDate, sex, address, cardKind, visitType
    case deliveryBatch, deliveredOn, cardExpiry, certificateExpiry
    case stage, storagePlace, handedOverOn, notes

    public var headers: [String] {
        switch self {
        case .applicationID: ["申請書ID", "申請書ＩＤ", "申請ID", "申請書番号", "applicationId"]
        case .name: ["氏名", "氏名（漢字）", "漢字氏名", "name"]
        case .kana: ["フリガナ", "氏名フリガナ", "氏名（カナ）", "カナ氏名", "ふりがな", "kana"]
        case .birthDate: ["生年月日", "birthDate"]
        case .sex: ["性別", "sex"]
        case .address: ["住所", "address"]
        case .cardKind: ["申請区分", "交付申請種別", "発行区分", "cardKind"]
        case .visitType: ["来庁区分", "交付方式", "visitType"]
        case .deliveryBatch: ["納品分", "納品番号", "発送番号", "deliveryBatch"]
        case .deliveredOn: ["納品日", "発送日", "deliveredOn"]
        case .cardExpiry: ["カード有効期限", "有効期限", "cardExpiry"]
        case .certificateExpiry: ["電子証明書有効期限", "証明書有効期限", "certificateExpiry"]
        case .stage: ["状態", "進捗", "stage"]
        case .storagePlace: ["保管場所", "storagePlace"]
        case .handedOverOn: ["交付日", "handedOverOn"]
        case .notes: ["備考", "notes"]
        }
    }

    public var isRequired: Bool { [.applicationID, .name, .birthDate].contains(self) }

    /// The columns of the documented issuance-list layout, in order (the template's header row).
    public static let issuanceListColumns: [LedgerField] = [
        .applicationID, .name, .kana, .birthDate, .sex, .address, .cardKind, .visitType,
        .deliveryBatch, .deliveredOn, .cardExpiry, .certificateExpiry,
    ]

    /// The columns of the documented existing-ledger layout (E5), in order.
    public static let ledgerColumns: [LedgerField] = issuanceListColumns + [.stage, .storagePlace, .handedOverOn, .notes]
}
