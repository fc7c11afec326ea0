import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The link in every card mail (#16, `List-Unsubscribe`): a page that asks once more, then stops
/// the mails. Opening the link changes nothing (mail scanners open links); the button does.
struct MailStopController {
    let contacts: ContactDesk
    let renderer: PageRenderer
    let tls: Bool

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/mail/stop", .anyone, use: ask)
            .post("/mail/stop", .residentForm, use: stop)
    }

    func title(_ page: ResidentPage) -> String { page.en ? "Stop card mails" : "お知らせメールの停止" }

    @Sendable func ask(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        let consent = page.query["c"] ?? "", token = page.query["t"] ?? ""
        let model = ResidentModels.MailStop(consent: consent, token: token, valid: contacts.validStopLink(consentID: Int64(consent), token: token),
                                            done: false)
        return try page.response(renderer, "resident-mail-stop", title: title(page), model, status: model.valid ? .ok : .notFound, tls: tls)
    }

    @Sendable func stop(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        let form = context.form
        let stopped = try await contacts.stop(consentID: Int64(form.text("c")), token: form.text("t"), caller: context.caller)
        let model = ResidentModels.MailStop(consent: "", token: "", valid: stopped, done: stopped)
        return try page.response(renderer, "resident-mail-stop", title: title(page), model, status: stopped ? .ok : .notFound, tls: tls)
    }
}
