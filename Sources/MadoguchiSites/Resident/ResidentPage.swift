import Foundation
import Hummingbird
import MadoguchiDomain
import Mustache

/// What every resident page shares: the language (Japanese, or English by switch), the
/// double-submit CSRF token for its forms (residents have no session), and date wording.
struct ResidentPage {
    static let languageCookie = "madoguchi_lang"
    static let csrfCookie = "madoguchi_rcsrf"
    static let accessCookie = "madoguchi_booking"
    /// The application ID a "your card is ready" answer carries to the pickup form (30 minutes).
    static let pickupCookie = "madoguchi_pickup_id"

    let language: BookingLanguage
    let csrf: String
    let newCSRF: Bool
    let path: String
    let query: [String: String]

    init(_ request: Request) {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let asked = query["lang"].flatMap(BookingLanguage.init(rawValue:))
        language = asked ?? request.cookies[Self.languageCookie].flatMap { BookingLanguage(rawValue: $0.value) } ?? .ja
        query["lang"] = nil
        if let existing = request.cookies[Self.csrfCookie]?.value, existing.count >= 32 {
            csrf = existing
            newCSRF = false
        } else {
            csrf = SecureToken.generate()
            newCSRF = true
        }
        path = request.uri.path
        self.query = query
    }

    var en: Bool { language == .en }

    /// The same page in the other language.
    var switchHref: String {
        var items = query.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.encode($0.value))" }
        items.append("lang=\(en ? "ja" : "en")")
        return path + "?" + items.joined(separator: "&")
    }

    /// Renders `template` around `model`, setting the language and CSRF cookies the page relies on.
    func response<Model: PageModel>(_ renderer: PageRenderer, _ template: String, title: String, _ model: Model,
                                    status: HTTPResponse.Status = .ok, tls: Bool) throws -> Response {
        let chrome = Chrome(title: title, en: en, lang: language.rawValue, csrf: csrf, switchHref: switchHref,
                            switchLabel: en ? "日本語" : "English", model: model)
        var response = try renderer.response(template, chrome, status: status)
        if newCSRF {
            response.setCookie(Cookie(name: Self.csrfCookie, value: csrf, path: "/", secure: tls, httpOnly: true, sameSite: .strict))
        }
        response.setCookie(Cookie(name: Self.languageCookie, value: language.rawValue, maxAge: 365 * 86_400, path: "/", secure: tls,
                                  httpOnly: true, sameSite: .lax))
        return response
    }

    /// What every resident page shows around its model.
    struct Chrome<Model: PageModel>: MustacheParent {
        let title: String
        let en: Bool
        let lang: String
        let csrf: String
        let switchHref: String
        let switchLabel: String
        let model: Model

        func child(named name: String) -> Any? {
            switch name {
            case "title": title
            case "en": en
            case "lang": lang
            case "csrf": csrf
            case "switchHref": switchHref
            case "switchLabel": switchLabel
            default: model.child(named: name)
            }
        }
    }

    static let weekdaysJA = ["日", "月", "火", "水", "木", "金", "土"]
    static let weekdaysEN = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let monthsEN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                           "November", "December"]

    func dayLabel(_ date: CalendarDate) -> String {
        en ? "\(Self.weekdaysEN[date.weekday]) \(date.day) \(Self.monthsEN[date.month - 1].prefix(3)) \(date.year)"
            : "\(date.year)年\(date.month)月\(date.day)日（\(Self.weekdaysJA[date.weekday])）"
    }

    func monthLabel(year: Int, month: Int) -> String {
        en ? "\(Self.monthsEN[month - 1]) \(year)" : "\(year)年\(month)月"
    }

    func purposeLabel(_ purpose: BookingPurpose) -> String { en ? purpose.englishLabel : purpose.label }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
