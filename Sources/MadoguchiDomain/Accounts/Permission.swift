/// A named right a staff role can grant (E1). The raw value is what the database and the API use.
public enum Permission: String, CaseIterable, Sendable, Codable, Hashable {
    case bookingView = "booking.view"
    case bookingWrite = "booking.write"
    case slotsManage = "slots.manage"
    case applicantsView = "applicants.view"
    case applicantsWrite = "applicants.write"
    case documentsView = "documents.view"
    case documentsWrite = "documents.write"
    case intakeWrite = "intake.write"
    case feesWrite = "fees.write"
    case ledgerView = "ledger.view"
    case ledgerWrite = "ledger.write"
    case registryView = "registry.view"
    /// Replacing the whole registry extract (#13): administrators only by default.
    case registryImport = "registry.import"
    /// Storing a document unmasked although it looks like an application form (#13).
    case documentsUnmasked = "documents.unmasked"
    case statisticsView = "statistics.view"
    case exportRun = "export.run"
    case noticesManage = "notices.manage"
    case auditView = "audit.view"
    case usersManage = "users.manage"
    case systemManage = "system.manage"
    /// A counter terminal's card-reader agent (#15): take read jobs and post what the card says.
    /// Only the `card-terminal` role has it; a token with this scope can do nothing else.
    case cardTerminal = "card.terminal"

    /// Japanese label for the administration pages.
    public var label: String {
        switch self {
        case .bookingView: "予約の閲覧"
        case .bookingWrite: "予約の登録・変更・消し込み"
        case .slotsManage: "予約枠・休日の設定"
        case .applicantsView: "申請者情報の閲覧"
        case .applicantsWrite: "申請者情報の登録・変更"
        case .documentsView: "書類イメージの閲覧"
        case .documentsWrite: "書類イメージの登録"
        case .intakeWrite: "申請受付の登録・変更"
        case .feesWrite: "手数料の収納"
        case .ledgerView: "カード管理簿の閲覧"
        case .ledgerWrite: "カード管理簿の更新"
        case .registryView: "住基情報の照会"
        case .registryImport: "住基抽出データの取込（全件置換）"
        case .documentsUnmasked: "申請書を個人番号のマスクなしで保存"
        case .statisticsView: "集計・統計の閲覧"
        case .exportRun: "CSV出力"
        case .noticesManage: "お知らせの管理"
        case .auditView: "操作ログの閲覧"
        case .usersManage: "利用者・権限の管理"
        case .systemManage: "システム管理（スナップショット等）"
        case .cardTerminal: "ICカード読取端末（読取依頼の受信と結果の送信のみ）"
        }
    }
}
