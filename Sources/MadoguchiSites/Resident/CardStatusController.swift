import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// 「カードはできていますか？」(#16): application ID + date of birth → one of four answers, on the
/// resident site and in the public API.
struct CardStatusController {
    let cardStatus: CardStatusDesk
    let renderer: PageRenderer
    let tls: Bool

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/card-status", .anyone, use: form)
            .post("/card-status", .residentForm, use: lookup)
            .post("/api/v1/public/card-status", .anyone, use: api)
    }

    func title(_ page: ResidentPage) -> String { page.en ? "Is my card ready?" : "カードの準備状況の確認" }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        return try page.response(renderer, "resident-card-status", title: title(page), ResidentModels.CardStatusPage(), tls: tls)
    }

    @Sendable func lookup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        let form = context.form
        var model = ResidentModels.CardStatusPage(applicationId: form.text("applicationId"))
        do {
            let status = try await cardStatus.status(applicationID: form.text("applicationId"), birthDate: form.text("birthDate"), caller: context.caller)
            model.answer = status.message(page.language)
            model.ready = status == .ready
        } catch let invalid as InvalidInput {
            model.errors = invalid.problems.map(\.message)
            return try page.response(renderer, "resident-card-status", title: title(page), model, status: .unprocessableContent, tls: tls)
        }
        var response = try page.response(renderer, "resident-card-status", title: title(page), model, tls: tls)
        // The pickup form this answer links to starts with the ID filled in.
        if model.ready, let id = ApplicationID(form.text("applicationId")) {
            response.setCookie(Cookie(name: ResidentPage.pickupCookie, value: id.digits, maxAge: 30 * 60, path: "/book", secure: tls,
                                      httpOnly: true, sameSite: .strict))
        }
        return response
    }

    struct Query: Decodable {
        let applicationId: String
        let birthDate: String
        let language: BookingLanguage?
    }

    struct Answer: Encodable {
        let status: String
        let message: String
        /// Where to book the pickup, when the card is ready.
        let bookPickup: String?
    }

    @Sendable func api(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try await Responses.decode(Query.self, from: request)
        let status = try await cardStatus.status(applicationID: query.applicationId, birthDate: query.birthDate, caller: context.caller)
        return try Responses.json(Answer(status: status.rawValue, message: status.message(query.language ?? .ja),
                                         bookPickup: status == .ready ? "/book?purpose=pickup" : nil))
    }
}
