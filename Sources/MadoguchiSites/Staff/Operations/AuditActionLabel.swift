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
        "applicant.create": "申請者の登録",
        "applicant.view": "申請者の閲覧",
        "applicant.search": "申請者の検索",
        "document.create": "書類の登録",
        "document.list": "書類一覧の閲覧",
        "document.open": "書類ビューアを開く",
        "document.view": "書類ページの閲覧",
        "document.thumbnail": "書類サムネイルの閲覧",
        "intake.create": "申請受付の登録",
        "intake.update": "申請受付の修正",
        "intake.view": "申請受付の閲覧",
        "intake-session.create": "出張・勤務地等の登録",
        "fee.create": "手数料の記録",
        "fee.pay": "手数料の収納",
        "fee.refund": "手数料の還付",
        "maintenance.create": "計画停止の登録",
        "maintenance.cancel": "計画停止の取消",
        "notice.create": "お知らせの登録",
        "notice.expire": "お知らせの掲載終了",
        "redaction.create": "マスキング範囲の追加",
        "redaction.delete": "マスキング範囲の削除",
    ]

    static func label(_ action: String) -> String {
        labels[action] ?? action
    }
}
