import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging

/// The resident site (A1): purpose → location → day → time → details → confirm → booking code,
/// and look-up / change / cancel with code + date of birth. Plain links and forms: the whole
/// flow works without JavaScript, in Japanese or English.
struct ResidentController {
    let services: SiteServices
    var desk: BookingDesk { BookingDesk(services: services) }
    var tls: Bool { services.configuration.tlsEnabled }

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/", .anyone, use: home)
            .get("/book", .anyone, use: book)
            .post("/book/confirm", .anyone, use: confirm)
            .post("/book/complete", .anyone, use: complete)
            .get("/book/done/:code", .anyone, use: done)
            .get("/reservation", .anyone, use: lookupForm)
            .post("/reservation", .anyone, use: lookup)
            .get("/reservation/manage", .anyone, use: manage)
            .post("/reservation/cancel", .anyone, use: cancel)
            .post("/reservation/move", .anyone, use: move)
    }

    static let formFields = ["familyName", "givenName", "familyKana", "givenKana", "birthDate", "phone", "email", "applicationID",
                             "noticeNumber"]

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        let now = services.clock.now()
        let notices = try await services.notices.current(audience: "resident", now: now)
        var values: [String: Any] = ["notices": notices.map(NoticesController.view),
                                     "purposes": BookingPurpose.allCases.map { ["value": $0.rawValue, "label": page.purposeLabel($0)] }]
        if let planned = try await services.maintenanceSchedule.windows(now: now).first(where: { $0.isAnnounced(at: now) }) {
            values["maintenance"] = MaintenanceController.view(planned)
        }
        return try page.response(services.renderer, "resident-home", title: page.en ? "Book a visit" : "来庁予約", values, tls: tls)
    }

    // MARK: choosing a time

    /// One handler for the choosing steps; the query says how far the resident has got.
    @Sendable func book(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        guard let purpose = page.query["purpose"].flatMap(BookingPurpose.init(rawValue:)) else { return Responses.redirect("/") }
        let changing = page.query["change"] == "1"
        if changing, try await accessBooking(request) == nil { return Responses.redirect("/reservation?expired=1") }
        let base: [String: Any] = ["purpose": purpose.rawValue, "purposeLabel": page.purposeLabel(purpose), "changing": changing,
                                   "changeParam": changing ? "&change=1" : ""]
        guard let locationID = page.query["location"].flatMap({ Int64($0) }), let location = try await services.slots.location(id: locationID)
        else {
            let locations = try await services.slots.locations().map {
                ["id": $0.id, "name": $0.name, "address": $0.address, "guidance": $0.guidance]
            }
            return try page.response(services.renderer, "resident-locations", title: page.en ? "Choose a place" : "窓口の選択",
                                     base.merging(["locations": locations]) { $1 }, tls: tls)
        }
        try await services.slots.ensurePlanned(locationID: location.id, now: services.clock.now())
        var values = base
        values["location"] = ["id": location.id, "name": location.name, "address": location.address, "guidance": location.guidance]
        if let slotID = page.query["slot"].flatMap({ Int64($0) }) {
            guard let slot = try await services.slots.slot(id: slotID), slot.locationID == location.id, slot.purpose == purpose else {
                throw AppError.notFound
            }
            values["slot"] = slotView(slot, page: page)
            if changing { return try page.response(services.renderer, "resident-move", title: page.en ? "Change the time" : "予約時間の変更", values, tls: tls) }
            values["form"] = Dictionary(uniqueKeysWithValues: Self.formFields.map { ($0, "") })
            values["fieldErrors"] = [String: String]()
            values["isPickup"] = purpose == .pickup
            return try page.response(services.renderer, "resident-form", title: page.en ? "Your details" : "予約者の情報", values, tls: tls)
        }
        if let date = page.query["date"].flatMap(CalendarDate.init) {
            return try await times(page: page, location: location, purpose: purpose, date: date, values: values, status: .ok, message: nil)
        }
        return try await calendar(page: page, location: location, purpose: purpose, values: values)
    }

    func calendar(page: ResidentPage, location: Location, purpose: BookingPurpose, values: [String: Any]) async throws -> Response {
        let now = services.clock.now()
        let today = CalendarDate(now), lastDay = location.lastBookableDay(now: now)
        var (year, month) = (today.year, today.month)
        if let asked = page.query["month"], let first = CalendarDate(asked + "-01"),
           first >= CalendarDate(year: today.year, month: today.month, day: 1)!, first <= lastDay {
            (year, month) = (first.year, first.month)
        }
        let first = CalendarDate(year: year, month: month, day: 1)!
        let last = CalendarDate(year: year, month: month, day: CalendarDate.daysIn(month: month, year: year))!
        let slots = try await services.slots.slots(locationID: location.id, purpose: purpose, from: first, through: last)
            .filter { location.acceptsOnline(startsAt: $0.startsAt, day: $0.day, now: now) && !$0.withdrawn }
        var byDay: [CalendarDate: (free: Int, capacity: Int)] = [:]
        for slot in slots {
            var entry = byDay[slot.day] ?? (0, 0)
            entry.free += slot.webFree
            entry.capacity += slot.webCapacity
            byDay[slot.day] = entry
        }
        var weeks: [[[String: Any]]] = []
        var week: [[String: Any]] = Array(repeating: ["blank": true], count: first.weekday)
        var day = first
        while day <= last {
            var cell: [String: Any] = ["day": day.day, "date": day.description, "weekend": day.weekday == 0 || day.weekday == 6]
            if let entry = byDay[day] {
                let symbol = entry.free == 0 ? "×" : (entry.free * 2 >= entry.capacity ? "○" : "△")
                cell["symbol"] = symbol
                cell["status"] = entry.free == 0 ? "full" : (symbol == "○" ? "open" : "few")
                let state = entry.free == 0 ? (page.en ? "fully booked" : "満員") : (page.en ? "\(entry.free) places left" : "空きあり")
                cell["aria"] = "\(page.dayLabel(day)) \(state)"
                if entry.free > 0 { cell["bookable"] = true }
            } else {
                cell["symbol"] = "－"
                cell["status"] = "closed"
                cell["aria"] = "\(page.dayLabel(day)) \(page.en ? "not bookable" : "予約できません")"
            }
            week.append(cell)
            if week.count == 7 { weeks.append(week); week = [] }
            day = day.adding(days: 1)!
        }
        if !week.isEmpty { weeks.append(week + Array(repeating: ["blank": true], count: 7 - week.count)) }
        var values = values
        values["weeks"] = weeks.map { ["days": $0] }
        values["monthLabel"] = page.monthLabel(year: year, month: month)
        values["weekdays"] = page.en ? ResidentPage.weekdaysEN : ResidentPage.weekdaysJA
        let previous = first.adding(days: -1)!, next = last.adding(days: 1)!
        if previous >= CalendarDate(year: today.year, month: today.month, day: 1)! {
            values["previousMonth"] = String(format: "%04d-%02d", previous.year, previous.month)
        }
        if next <= lastDay { values["nextMonth"] = String(format: "%04d-%02d", next.year, next.month) }
        values["hasAny"] = !byDay.isEmpty
        values["windowNote"] = page.en
            ? "Online booking is open up to \(location.opensDays) days ahead and closes \(location.closesHours) hours before the visit."
            : "インターネット予約は\(location.opensDays)日先まで、来庁の\(location.closesHours)時間前まで受け付けます。"
        return try page.response(services.renderer, "resident-calendar", title: page.en ? "Choose a day" : "日付の選択", values, tls: tls)
    }

    func times(page: ResidentPage, location: Location, purpose: BookingPurpose, date: CalendarDate,
               values: [String: Any], status: HTTPResponse.Status, message: String?) async throws -> Response {
        let now = services.clock.now()
        let slots = try await services.slots.slots(locationID: location.id, purpose: purpose, from: date, through: date)
            .filter { location.acceptsOnline(startsAt: $0.startsAt, day: $0.day, now: now) && !$0.withdrawn }
        var values = values
        values["dayLabel"] = page.dayLabel(date)
        values["date"] = date.description
        values["month"] = String(format: "%04d-%02d", date.year, date.month)
        values["slots"] = slots.map { slotView($0, page: page) }
        if let message { values["message"] = message }
        return try page.response(services.renderer, "resident-times", title: page.en ? "Choose a time" : "時間の選択", values,
                                 status: status, tls: tls)
    }

    func slotView(_ slot: Slot, page: ResidentPage) -> [String: Any] {
        ["id": slot.id, "time": slot.timeRange, "dayLabel": page.dayLabel(slot.day), "date": slot.day.description, "free": slot.webFree,
         "bookable": slot.webFree > 0,
         "freeLabel": slot.webFree == 0 ? (page.en ? "Full" : "満員") : (page.en ? "\(slot.webFree) left" : "残り\(slot.webFree)")]
    }

    // MARK: details, confirmation, booking

    /// The slot the posted form is for, with its location, or 404.
    func postedSlot(_ form: FormData) async throws -> (Slot, Location) {
        guard let slotID = Int64(form.text("slot")), let slot = try await services.slots.slot(id: slotID),
              let location = try await services.slots.location(id: slot.locationID) else { throw AppError.notFound }
        return (slot, location)
    }

    func formPage(page: ResidentPage, slot: Slot, location: Location, form: FormData,
                  problems: [FieldProblem], status: HTTPResponse.Status) throws -> Response {
        let fieldErrors = FieldProblem.byField(problems)
        let values: [String: Any] = [
            "purpose": slot.purpose.rawValue, "purposeLabel": page.purposeLabel(slot.purpose), "isPickup": slot.purpose == .pickup,
            "location": ["id": location.id, "name": location.name, "address": location.address],
            "slot": slotView(slot, page: page), "form": Dictionary(uniqueKeysWithValues: Self.formFields.map { ($0, form.text($0)) }),
            "fieldErrors": fieldErrors, "errors": problems.map { ["field": $0.field, "message": $0.message] },
        ]
        return try page.response(services.renderer, "resident-form", title: page.en ? "Your details" : "予約者の情報", values,
                                 status: status, tls: tls)
    }

    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        try ResidentPage.checkCSRF(request, form: context.form)
        let (slot, location) = try await postedSlot(context.form)
        switch BookingInput(form: context.form).validated(purpose: slot.purpose, today: services.clock.now(), language: page.language) {
        case .failure(let invalid):
            return try formPage(page: page, slot: slot, location: location, form: context.form, problems: invalid.problems,
                                status: .unprocessableContent)
        case .success(let clean):
            let values: [String: Any] = [
                "purposeLabel": page.purposeLabel(slot.purpose), "isPickup": slot.purpose == .pickup,
                "location": ["id": location.id, "name": location.name, "address": location.address], "slot": slotView(slot, page: page),
                "person": ["name": clean.fullName, "kana": clean.fullKana, "birthDate": CalendarDate(clean.birthDate).map(page.dayLabel) ?? "",
                           "phone": clean.phone, "email": clean.email, "applicationID": clean.applicationID, "noticeNumber": clean.noticeNumber],
                "hidden": Self.formFields.map { ["name": $0, "value": context.form.text($0)] },
            ]
            return try page.response(services.renderer, "resident-confirm", title: page.en ? "Check and book" : "予約内容の確認", values, tls: tls)
        }
    }

    @Sendable func complete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        try ResidentPage.checkCSRF(request, form: context.form)
        let (slot, location) = try await postedSlot(context.form)
        if context.form["edit"] != nil {
            return try formPage(page: page, slot: slot, location: location, form: context.form, problems: [], status: .ok)
        }
        do {
            switch try await desk.book(slotID: slot.id, raw: BookingInput(form: context.form), actor: .resident, language: page.language,
                                       context: context) {
            case .invalid(let problems):
                return try formPage(page: page, slot: slot, location: location, form: context.form, problems: problems,
                                    status: .unprocessableContent)
            case .booked(let booking):
                return Responses.redirect("/book/done/\(booking.code)")
            }
        } catch let error as BookingError {
            if error == .slotFull || error == .outsideWindow {
                let values: [String: Any] = ["purpose": slot.purpose.rawValue, "purposeLabel": page.purposeLabel(slot.purpose),
                                             "location": ["id": location.id, "name": location.name, "address": location.address],
                                             "changeParam": ""]
                return try await times(page: page, location: location, purpose: slot.purpose, date: slot.day, values: values,
                                       status: .conflict, message: error.message(page.language))
            }
            return try message(page, title: page.en ? "Could not book" : "予約できませんでした", error.message(page.language), status: .conflict)
        }
    }

    /// The confirmation: code, QR and time, printable. It shows no personal details, so the link
    /// alone reveals nothing about the person.
    @Sendable func done(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        guard let code = BookingCode.normalized(context.parameters.get("code") ?? ""), let booking = try await services.bookings.find(code: code)
        else { throw AppError.notFound }
        var values = bookingView(booking, page: page, personal: false)
        values["qr"] = try QRCode(booking.code).svg(label: (page.en ? "Booking code " : "予約番号 ") + booking.displayCode)
        return try page.response(services.renderer, "resident-done", title: page.en ? "Booked" : "予約完了", values, tls: tls)
    }

    func bookingView(_ booking: Booking, page: ResidentPage, personal: Bool) -> [String: Any] {
        var values: [String: Any] = [
            "code": booking.displayCode, "purposeLabel": page.purposeLabel(booking.purpose), "purpose": booking.purpose.rawValue,
            "dayLabel": page.dayLabel(booking.day), "time": booking.timeRange, "locationName": booking.locationName,
            "locationID": booking.locationID, "status": page.en ? booking.status.englishLabel : booking.status.label,
            "isOpen": booking.isOpen(at: services.clock.now()),
        ]
        if personal {
            values["person"] = ["name": booking.input.fullName, "kana": booking.input.fullKana, "phone": booking.input.phone,
                                "email": booking.input.email]
        }
        return values
    }

    func message(_ page: ResidentPage, title: String, _ text: String, status: HTTPResponse.Status) throws -> Response {
        try page.response(services.renderer, "resident-message", title: title, ["heading": title, "message": text], status: status, tls: tls)
    }

    // MARK: look up, change, cancel

    @Sendable func lookupForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        var values: [String: Any] = [:]
        if page.query["expired"] != nil {
            values["error"] = page.en ? "For your security, please enter your code and date of birth again."
                : "安全のため、もう一度予約番号と生年月日を入力してください。"
        }
        return try page.response(services.renderer, "resident-lookup", title: page.en ? "Check your booking" : "予約の確認・変更・取消", values, tls: tls)
    }

    @Sendable func lookup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        try ResidentPage.checkCSRF(request, form: context.form)
        try await desk.limitLookup(context: context)
        let code = BookingCode.normalized(context.form.text("code"))
        let birth = CalendarDate(context.form.text("birthDate"))
        guard let code, let birth, let booking = try await services.bookings.find(code: code, birthDate: birth) else {
            let values: [String: Any] = ["error": BookingError.notFound.message(page.language), "code": context.form.text("code")]
            return try page.response(services.renderer, "resident-lookup", title: page.en ? "Check your booking" : "予約の確認・変更・取消",
                                     values, status: .notFound, tls: tls)
        }
        try await services.audit(context, action: "booking.resident-view", recordType: "booking", recordID: String(booking.id))
        let token = try await services.bookings.grantAccess(bookingID: booking.id, now: services.clock.now())
        var response = Responses.redirect("/reservation/manage")
        response.setCookie(Cookie(name: ResidentPage.accessCookie, value: token, maxAge: 20 * 60, path: "/", secure: tls, httpOnly: true,
                                  sameSite: .strict))
        return response
    }

    func accessBooking(_ request: Request) async throws -> Booking? {
        guard let token = request.cookies[ResidentPage.accessCookie]?.value, !token.isEmpty else { return nil }
        return try await services.bookings.booking(accessToken: token, now: services.clock.now())
    }

    @Sendable func manage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        guard let booking = try await accessBooking(request) else { return Responses.redirect("/reservation?expired=1") }
        var values = bookingView(booking, page: page, personal: true)
        if page.query["done"] == "moved" { values["flash"] = page.en ? "The time was changed." : "予約時間を変更しました。" }
        values["qr"] = try QRCode(booking.code).svg(label: (page.en ? "Booking code " : "予約番号 ") + booking.displayCode)
        return try page.response(services.renderer, "resident-manage", title: page.en ? "Your booking" : "予約内容", values, tls: tls)
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        try ResidentPage.checkCSRF(request, form: context.form)
        guard let booking = try await accessBooking(request) else { return Responses.redirect("/reservation?expired=1") }
        do {
            try await desk.cancel(booking, actor: .resident, context: context)
        } catch let error as BookingError {
            return try message(page, title: page.en ? "Could not cancel" : "取消できませんでした", error.message(page.language), status: .conflict)
        }
        if let token = request.cookies[ResidentPage.accessCookie]?.value { try await services.bookings.revokeAccess(token) }
        var response = try message(page, title: page.en ? "Cancelled" : "予約を取り消しました",
                                   page.en ? "Your booking \(booking.displayCode) has been cancelled." : "予約番号 \(booking.displayCode) の予約を取り消しました。",
                                   status: .ok)
        response.setCookie(Cookie(name: ResidentPage.accessCookie, value: "", maxAge: 0, path: "/", secure: tls, httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func move(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        try ResidentPage.checkCSRF(request, form: context.form)
        guard let booking = try await accessBooking(request) else { return Responses.redirect("/reservation?expired=1") }
        guard let slotID = Int64(context.form.text("slot")) else { throw AppError.notFound }
        do {
            _ = try await desk.move(booking, to: slotID, actor: .resident, context: context)
        } catch let error as BookingError {
            return try message(page, title: page.en ? "Could not change" : "変更できませんでした", error.message(page.language), status: .conflict)
        }
        return Responses.redirect("/reservation/manage?done=moved")
    }
}
