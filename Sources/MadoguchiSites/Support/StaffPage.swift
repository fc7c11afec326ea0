import Foundation
import MadoguchiDomain

/// The parts every staff page shares: who is signed in, the CSRF token for its forms, and the
/// navigation limited to what the user's roles allow.
enum StaffPage {
    struct NavItem {
        let label: String
        let href: String
        let permission: Permission?
        let available: Bool
        let summary: String
    }

    /// The main menu. Items of later releases are listed as 準備中 so staff see what is coming.
    static let navigation: [NavItem] = [
        NavItem(label: "ホーム", href: "/", permission: nil, available: true, summary: ""),
        NavItem(label: "来庁予約", href: "/bookings", permission: .bookingView, available: true,
                summary: "予約の確認・電話予約・当日の消し込み"),
        NavItem(label: "申請者・書類", href: "/applicants", permission: .applicantsView, available: true,
                summary: "申請者の検索、申請受付、書類イメージの閲覧"),
        NavItem(label: "カード管理簿", href: "/ledger", permission: .ledgerView, available: true,
                summary: "発行一覧表の取込・QR読取、交付工程、保管場所、チェックリスト・受領書"),
        NavItem(label: "住基照会", href: "/registry", permission: .registryView, available: true,
                summary: "住民基本台帳の基本4情報の照会"),
        NavItem(label: "集計・統計", href: "/statistics", permission: .statisticsView, available: true,
                summary: "日・週・月・年の集計、CSV出力"),
        NavItem(label: "予約枠の設定", href: "/admin/slots", permission: .slotsManage, available: true,
                summary: "窓口ごとの予約枠ルール、臨時開庁、休業日、受付期間"),
        NavItem(label: "操作ログ", href: "/audit", permission: .auditView, available: true,
                summary: "職員の操作と個人情報の閲覧の記録を検索"),
        NavItem(label: "利用者管理", href: "/admin/users", permission: .usersManage, available: true,
                summary: "職員アカウント、職務と権限、ロック解除"),
        NavItem(label: "お知らせ管理", href: "/admin/notices", permission: .noticesManage, available: true,
                summary: "職員・住民向けのお知らせの掲載"),
        NavItem(label: "システムの状態", href: "/admin/status", permission: .systemManage, available: true,
                summary: "夜間スナップショット、空き容量、データベース、整合性検査"),
        NavItem(label: "計画停止", href: "/admin/maintenance", permission: .systemManage, available: true,
                summary: "予約サイトのメンテナンス期間の登録と予告"),
        NavItem(label: "書類マスキング", href: "/admin/redaction", permission: .systemManage, available: true,
                summary: "様式の個人番号欄を塗りつぶして保存する範囲の設定"),
    ]

    static func context(_ context: AppRequestContext, title: String, current: String = "",
                        _ values: [String: Any] = [:]) -> [String: Any] {
        var page: [String: Any] = ["title": title, "version": MadoguchiVersion.current]
        if let identity = context.identity {
            page["me"] = ["displayName": identity.displayName, "login": identity.login]
            page["nav"] = navigation
                .filter { $0.permission.map(identity.has) ?? true }
                .map { item -> [String: Any] in
                    ["label": item.label, "href": item.href, "available": item.available, "summary": item.summary,
                     "current": item.href == current, "home": item.href == "/"]
                }
        }
        page["csrf"] = context.session?.csrfToken ?? ""
        for (key, value) in values { page[key] = value }
        // Mustache has no "non-empty" test: give lists a flag for their surrounding markup.
        for (key, value) in values {
            if let list = value as? [Any] { page["has" + key.prefix(1).uppercased() + key.dropFirst()] = !list.isEmpty }
        }
        return page
    }
}
