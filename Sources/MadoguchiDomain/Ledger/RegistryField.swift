/// The columns of the resident-registry extract (C5): the basic four facts and a few flags.
public enum RegistryField: String, ImportField {
    case residentKey, name, kana, birthDate, sex, address, jukiCard, status

    public var headers: [String] {
        switch self {
        case .residentKey: ["宛名番号", "個人コード", "residentKey"]
        case .name: ["氏名", "name"]
        case .kana: ["フリガナ", "氏名フリガナ", "カナ氏名", "kana"]
        case .birthDate: ["生年月日", "birthDate"]
        case .sex: ["性別", "sex"]
        case .address: ["住所", "address"]
        case .jukiCard: ["住基カード", "住基カード有無", "jukiCard"]
        case .status: ["異動状態", "状態", "住民状態", "status"]
        }
    }

    public var isRequired: Bool { [.name, .birthDate, .sex].contains(self) }

    public static let columns: [RegistryField] = [.residentKey, .name, .kana, .birthDate, .sex, .address, .jukiCard, .status]
}
