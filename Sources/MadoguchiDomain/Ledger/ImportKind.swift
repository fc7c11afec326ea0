/// What a CSV upload holds (C3, C5, E5): the integrated terminal's issuance list, the city's
/// existing ledger for the go-live load, or a registry extract that replaces the previous one.
public enum ImportKind: String, CaseIterable, Sendable, Codable {
    case issuanceList = "issuance-list"
    case ledger
    case registry

    public var label: String {
        switch self {
        case .issuanceList: "カード発行一覧表（統合端末のCSV）"
        case .ledger: "既存のカード管理簿（初期移行）"
        case .registry: "住基抽出データ（前回分を置き換え）"
        }
    }

    /// The documented layout's header row.
    public var headers: [String] {
        switch self {
        case .issuanceList: LedgerField.issuanceListColumns.map(\.label)
        case .ledger: LedgerField.ledgerColumns.map(\.label)
        case .registry: RegistryField.columns.map(\.label)
        }
    }

    /// Who may run it: the registry extract is everyone's address book (its own permission, #13),
    /// the ledger is card work.
    public var permission: Permission { self == .registry ? .registryImport : .ledgerWrite }
}
