import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices
import Mustache

/// What every staff page shares — who is signed in, the CSRF token for its forms, the menu the
/// user's roles allow, the one message of the last action — around the page's own model.
struct StaffPage<Model: PageModel>: MustacheParent {
    struct Me: PageModel {
        let displayName: String
        let login: String
    }

    struct NavItem: PageModel {
        let label: String
        let href: String
        let available: Bool
        let summary: String
        let current: Bool
        let home: Bool
    }

    let title: String
    let version = MadoguchiVersion.current
    let me: Me?
    let nav: [NavItem]
    let csrf: String
    /// What the last action did, or why it was refused (shown once at the top of the page).
    let flash: String
    let error: String
    let model: Model

    init(_ context: AppRequestContext, title: String, current: String = "", messages: PageMessages = PageMessages(), _ model: Model) {
        self.title = title
        self.model = model
        csrf = context.session?.csrfToken ?? ""
        flash = messages.flash
        error = messages.error
        if let identity = context.identity {
            me = Me(displayName: identity.displayName, login: identity.login)
            nav = Self.navigation.filter { $0.permission.map(identity.has) ?? true }.map {
                NavItem(label: $0.label, href: $0.href, available: true, summary: $0.summary, current: $0.href == current, home: $0.href == "/")
            }
        } else {
            me = nil
            nav = []
        }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "version": version
        case "me": me
        case "nav": nav
        case "hasNav": !nav.isEmpty
        case "csrf": csrf
        case "flash": flash
        case "error": error
        default: model.child(named: name)
        }
    }

    /// The main menu, in the order of the day's work.
    static var navigation: [(label: String, href: String, permission: Permission?, summary: String)] {
        [("ホーム", "/", nil, ""),
         ("来庁予約", "/bookings", .bookingView, "予約の確認・電話予約・当日の消し込み"),
         ("申請者・書類", "/applicants", .applicantsView, "申請者の検索、申請受付、書類イメージの閲覧"),
         ("カード管理簿", "/ledger", .ledgerView, "発行一覧表の取込・QR読取、交付工程、保管場所、チェックリスト・受領書"),
         ("住基照会", "/registry", .registryView, "住民基本台帳の基本4情報の照会"),
         ("集計・統計", "/statistics", .statisticsView, "日・週・月・年の集計、CSV出力"),
         ("予約枠の設定", "/admin/slots", .slotsManage, "窓口ごとの予約枠ルール、臨時開庁、休業日、受付期間"),
         ("操作ログ", "/audit", .auditView, "職員の操作と個人情報の閲覧の記録を検索"),
         ("利用者管理", "/admin/users", .usersManage, "職員アカウント、職務と権限、ロック解除"),
         ("お知らせ管理", "/admin/notices", .noticesManage, "職員・住民向けのお知らせの掲載"),
         ("メールの文面", "/admin/mail-templates", .noticesManage, "住民へ送る予約・交付・更新のメールの件名と文面、プレビュー"),
         ("システムの状態", "/admin/status", .systemManage, "夜間スナップショット、空き容量、データベース、整合性検査"),
         ("計画停止", "/admin/maintenance", .systemManage, "予約サイトのメンテナンス期間の登録と予告"),
         ("書類マスキング", "/admin/redaction", .systemManage, "様式の個人番号欄を塗りつぶして保存する範囲の設定")]
    }
}

/// The one message a page shows about the action that led to it (post/redirect/get).
struct PageMessages: Sendable {
    var flash = ""
    var error = ""

    init(flash: String = "", error: String = "") {
        self.flash = flash
        self.error = error
    }

    /// The message a redirect carried to this page.
    init(_ request: Request) {
        flash = request.uri.queryParameters["flash"].map(String.init) ?? ""
        error = request.uri.queryParameters["error"].map(String.init) ?? ""
    }
}

extension PageRenderer {
    /// A staff page: the layout's chrome around `model`.
    func staff<Model: PageModel>(_ template: String, _ context: AppRequestContext, title: String, current: String = "",
                                 messages: PageMessages = PageMessages(), _ model: Model, status: HTTPResponse.Status = .ok) throws -> Response {
        try response(template, StaffPage(context, title: title, current: current, messages: messages, model), status: status)
    }
}
