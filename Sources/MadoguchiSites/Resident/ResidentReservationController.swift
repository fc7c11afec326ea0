import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Look-up, change and cancel of one's own booking with code + date of birth (A1): proving both
/// gives a 20-minute cookie for that booking only.
struct ResidentReservationController {
    let booking: BookingDesk
    let renderer: PageRenderer
    let clock: any TimeSource
    let tls: Bool

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/reservation", .anyone, use: lookupForm)
            .post("/reservation", .residentForm, use: lookup)
            .get("/reservation/manage", .anyone, use: manage)
            .post("/reservation/cancel", .residentForm, use: cancel)
            .post("/reservation/move", .residentForm, use: move)
    }

    static func ticket(_ b: Booking, page: ResidentPage, personal: Bool, booking: BookingDesk, flash: String, now: Date = Date()) throws -> ResidentModels.Ticket {
        ResidentModels.Ticket(
            code: b.displayCode, purpose: b.purpose.rawValue, purposeLabel: page.purposeLabel(b.purpose), dayLabel: page.dayLabel(b.day),
            time: b.timeRange, locationName: b.locationName, locationID: b.locationID, status: page.en ? b.status.englishLabel : b.status.label,
            isOpen: b.isOpen(at: now),
            person: personal ? .init(name: b.input.fullName, kana: b.input.fullKana, phone: b.input.phone, email: b.input.email) : nil,
            qr: try booking.qrCode(for: b, label: (page.en ? "Booking code " : "予約番号 ") + b.displayCode), flash: flash)
    }

    static func message(_ renderer: PageRenderer, _ page: ResidentPage, title: String, _ text: String, status: HTTPResponse.Status,
                        tls: Bool) throws -> Response {
        try page.response(renderer, "resident-message", title: title, ResidentModels.Message(heading: title, message: text), status: status, tls: tls)
    }

    var lookupTitle: (ResidentPage) -> String { { $0.en ? "Check your booking" : "予約の確認・変更・取消" } }

    @Sendable func lookupForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        let error = page.query["expired"] == nil ? "" : (page.en ? "For your security, please enter your code and date of birth again."
                                                                  : "安全のため、もう一度予約番号と生年月日を入力してください。")
        return try page.response(renderer, "resident-lookup", title: lookupTitle(page), ResidentModels.Lookup(error: error, code: ""), tls: tls)
    }

    @Sendable func lookup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        guard let found = try await booking.residentLookup(code: context.form.text("code"), birthDate: context.form.text("birthDate"),
                                                           caller: context.caller) else {
            let model = ResidentModels.Lookup(error: BookingError.notFound.message(page.language), code: context.form.text("code"))
            return try page.response(renderer, "resident-lookup", title: lookupTitle(page), model, status: .notFound, tls: tls)
        }
        let token = try await booking.grantAccess(to: found)
        var response = Responses.redirect("/reservation/manage")
        response.setCookie(Cookie(name: ResidentPage.accessCookie, value: token, maxAge: 20 * 60, path: "/", secure: tls, httpOnly: true,
                                  sameSite: .strict))
        return response
    }

    func accessBooking(_ request: Request) async throws -> Booking? {
        try await booking.booking(accessToken: request.cookies[ResidentPage.accessCookie]?.value ?? "")
    }

    @Sendable func manage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        guard let found = try await accessBooking(request) else { return Responses.redirect("/reservation?expired=1") }
        let flash = page.query["done"] == "moved" ? (page.en ? "The time was changed." : "予約時間を変更しました。") : ""
        let model = try Self.ticket(found, page: page, personal: true, booking: booking, flash: flash, now: clock.now())
        return try page.response(renderer, "resident-manage", title: page.en ? "Your booking" : "予約内容", model, tls: tls)
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        guard let found = try await accessBooking(request) else { return Responses.redirect("/reservation?expired=1") }
        do {
            try await booking.cancel(found, caller: context.caller)
        } catch let error as BookingError {
            return try Self.message(renderer, page, title: page.en ? "Could not cancel" : "取消できませんでした", error.message(page.language),
                                    status: .conflict, tls: tls)
        }
        if let token = request.cookies[ResidentPage.accessCookie]?.value { try await booking.revokeAccess(token) }
        var response = try Self.message(renderer, page, title: page.en ? "Cancelled" : "予約を取り消しました",
                                        page.en ? "Your booking \(found.displayCode) has been cancelled." : "予約番号 \(found.displayCode) の予約を取り消しました。",
                                        status: .ok, tls: tls)
        response.setCookie(Cookie(name: ResidentPage.accessCookie, value: "", maxAge: 0, path: "/", secure: tls, httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func move(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        guard let found = try await accessBooking(request) else { return Responses.redirect("/reservation?expired=1") }
        guard let slotID = Int64(context.form.text("slot")) else { throw AppError.notFound }
        do {
            _ = try await booking.move(found, to: slotID, caller: context.caller)
        } catch let error as BookingError {
            return try Self.message(renderer, page, title: page.en ? "Could not change" : "変更できませんでした", error.message(page.language),
                                    status: .conflict, tls: tls)
        }
        return Responses.redirect("/reservation/manage?done=moved")
    }
}
