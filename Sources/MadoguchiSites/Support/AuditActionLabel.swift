/// Japanese names of audit actions for the audit page; unknown actions show their code.
enum AuditActionLabel {
    static let labels: [String: String] = [
        "session.login": "ログイン",
        "session.logout": "ログアウト",
        "user.create": "利用者の追加",
        "user.update": "利用者の変更",
        "user.view": "利用者の閲覧",
        "user.list": "利用者一覧の取得",
        "user.lock": "アカウントのロック",
        "user.unlock": "ロック解除",
        "user.auto-unlock": "ロックの自動解除",
        "user.reset-password": "パスワード再設定",
        "user.change-password": "パスワード変更",
        "role.update": "職務の権限変更",
        "token.create": "APIトークン発行",
        "token.revoke": "APIトークン失効",
        "audit.search": "操作ログの検索",
        "audit.export": "操作ログのCSV出力",
        "access.denied": "権限のない操作",
        "csrf.rejected": "不正なフォーム送信",
    ]

    static func label(_ action: String) -> String {
        labels[action] ?? action
    }
}
