import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The resident site's booking steps (A1): purpose → location → day → time → details → confirm
/// → booking code. Plain links and forms: the whole flow works without JavaScript, in Japanese
/// or English.
struct ResidentBookingController {
    let booking: BookingDesk
    let slots: SlotDesk
    let operations: OperationsDesk
    let renderer: PageRenderer
    let clock: any TimeSource
    let tls: Bool

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/", .anyone, use: home)
            .get("/book", .anyone, use: book)
            .post("/book/confirm", .residentForm, use: confirm)
            .post("/book/complete", .residentForm, use: complete)
            .get("/book/done/:code", .anyone, use: done)
    }

    static let formFields = ["familyName", "givenName", "familyKana", "givenKana", "birthDate", "phone", "email", "applicationId", "noticeNumber", "cardMail"]

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        let now = clock.now()
        let notices = try await operations.currentNotices(for: "resident").map { ResidentModels.NoticeItem(priority: $0.priority, title: $0.title, body: $0.body) }
        let maintenance = try await operations.schedule.windows(now: now).first(where: { $0.isAnnounced(at: now) }).map {
            ResidentModels.MaintenanceNote(startsAt: JapaneseDate.dateTime($0.startsAt), endsAt: JapaneseDate.dateTime($0.endsAt), message: $0.message)
        }
        let model = ResidentModels.Home(notices: notices, purposes: BookingPurpose.allCases.map { Choice(value: $0.rawValue, label: page.purposeLabel($0)) },
                                        maintenance: maintenance)
        return try page.response(renderer, "resident-home", title: page.en ? "Book a visit" : "来庁予約", model, tls: tls)
    }

    // MARK: choosing a time

    /// One handler for the choosing steps; the query says how far the resident has got.
    @Sendable func book(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        guard let purpose = page.query["purpose"].flatMap(BookingPurpose.init(rawValue:)) else { return Responses.redirect("/") }
        let changing = page.query["change"] == "1"
        if changing, try await booking.booking(accessToken: request.cookies[ResidentPage.accessCookie]?.value ?? "") == nil {
            return Responses.redirect("/reservation?expired=1")
        }
        let steps = ResidentModels.Steps(purpose: purpose.rawValue, purposeLabel: page.purposeLabel(purpose), changing: changing)
        guard let locationID = page.query["location"].flatMap({ Int64($0) }), let location = try await slots.location(id: locationID) else {
            let model = ResidentModels.Locations(purpose: steps.purpose, purposeLabel: steps.purposeLabel, changeParam: steps.changeParam,
                                                 locations: try await slots.locations().map(ResidentModels.Place.init))
            return try page.response(renderer, "resident-locations", title: page.en ? "Choose a place" : "窓口の選択", model, tls: tls)
        }
        if let slotID = page.query["slot"].flatMap({ Int64($0) }) {
            guard let slot = try await slots.slot(id: slotID), slot.locationID == location.id, slot.purpose == purpose else { throw AppError.notFound }
            if changing {
                return try page.response(renderer, "resident-move", title: page.en ? "Change the time" : "予約時間の変更",
                                         ResidentModels.Move(location: .init(location), slot: slotItem(slot, page: page)), tls: tls)
            }
            // A pickup reached from "your card is ready" starts with the application ID filled in.
            var blank = FormData()
            if purpose == .pickup, let id = request.cookies[ResidentPage.pickupCookie]?.value, ApplicationID(id) != nil { blank.append("applicationId", id) }
            return try formPage(page: page, slot: slot, location: location, form: blank, problems: [], status: .ok)
        }
        if let date = page.query["date"].flatMap(CalendarDate.init) {
            return try await times(page: page, steps: steps, location: location, date: date, status: .ok, message: "")
        }
        return try await calendar(page: page, steps: steps, location: location)
    }

    func calendar(page: ResidentPage, steps: ResidentModels.Steps, location: Location) async throws -> Response {
        let now = clock.now()
        let today = CalendarDate(now), lastDay = location.lastBookableDay(now: now)
        let thisMonth = CalendarDate(year: today.year, month: today.month, day: 1)!
        var first = thisMonth
        if let asked = page.query["month"], let chosen = CalendarDate(asked + "-01"), chosen >= thisMonth, chosen <= lastDay { first = chosen }
        let last = CalendarDate(year: first.year, month: first.month, day: CalendarDate.daysIn(month: first.month, year: first.year))!
        let purpose = BookingPurpose(rawValue: steps.purpose)!
        var byDay: [CalendarDate: (free: Int, capacity: Int)] = [:]
        for slot in try await slots.onlineSlots(location, purpose: purpose, from: first, through: last) {
            var entry = byDay[slot.day] ?? (0, 0)
            entry.free += slot.webFree
            entry.capacity += slot.webCapacity
            byDay[slot.day] = entry
        }
        var weeks: [ResidentModels.Week] = []
        var week = Array(repeating: ResidentModels.Day(blank: true), count: first.weekday)
        var day = first
        while day <= last {
            var cell = ResidentModels.Day(day: day.day, date: day.description, weekend: day.weekday == 0 || day.weekday == 6)
            if let entry = byDay[day] {
                cell.symbol = entry.free == 0 ? "×" : (entry.free * 2 >= entry.capacity ? "○" : "△")
                cell.status = entry.free == 0 ? "full" : (cell.symbol == "○" ? "open" : "few")
                let state = entry.free == 0 ? (page.en ? "fully booked" : "満員") : (page.en ? "\(entry.free) places left" : "空きあり")
                cell.aria = "\(page.dayLabel(day)) \(state)"
                cell.bookable = entry.free > 0
            } else {
                cell.symbol = "－"
                cell.status = "closed"
                cell.aria = "\(page.dayLabel(day)) \(page.en ? "not bookable" : "予約できません")"
            }
            week.append(cell)
            if week.count == 7 { weeks.append(.init(days: week)); week = [] }
            day = day.adding(days: 1)!
        }
        if !week.isEmpty { weeks.append(.init(days: week + Array(repeating: ResidentModels.Day(blank: true), count: 7 - week.count))) }
        let previous = first.adding(days: -1)!, next = last.adding(days: 1)!
        let model = ResidentModels.Calendar(
            purpose: steps.purpose, purposeLabel: steps.purposeLabel, changeParam: steps.changeParam, location: .init(location),
            windowNote: page.en
                ? "Online booking is open up to \(location.opensDays) days ahead and closes \(location.closesHours) hours before the visit."
                : "インターネット予約は\(location.opensDays)日先まで、来庁の\(location.closesHours)時間前まで受け付けます。",
            monthLabel: page.monthLabel(year: first.year, month: first.month),
            previousMonth: previous >= thisMonth ? String(format: "%04d-%02d", previous.year, previous.month) : "",
            nextMonth: next <= lastDay ? String(format: "%04d-%02d", next.year, next.month) : "",
            weekdays: page.en ? ResidentPage.weekdaysEN : ResidentPage.weekdaysJA, weeks: weeks, hasAny: !byDay.isEmpty)
        return try page.response(renderer, "resident-calendar", title: page.en ? "Choose a day" : "日付の選択", model, tls: tls)
    }

    func times(page: ResidentPage, steps: ResidentModels.Steps, location: Location, date: CalendarDate, status: HTTPResponse.Status,
               message: String) async throws -> Response {
        let purpose = BookingPurpose(rawValue: steps.purpose)!
        let model = ResidentModels.Times(
            purpose: steps.purpose, purposeLabel: steps.purposeLabel, changeParam: steps.changeParam, location: .init(location),
            dayLabel: page.dayLabel(date), date: date.description, month: String(format: "%04d-%02d", date.year, date.month),
            slots: try await slots.onlineSlots(location, purpose: purpose, from: date, through: date).map { slotItem($0, page: page) },
            message: message)
        return try page.response(renderer, "resident-times", title: page.en ? "Choose a time" : "時間の選択", model, status: status, tls: tls)
    }

    func slotItem(_ slot: Slot, page: ResidentPage) -> ResidentModels.SlotItem {
        .init(id: slot.id, time: slot.timeRange, dayLabel: page.dayLabel(slot.day), date: slot.day.description, free: slot.webFree,
              bookable: slot.webFree > 0, freeLabel: slot.webFree == 0 ? (page.en ? "Full" : "満員") : (page.en ? "\(slot.webFree) left" : "残り\(slot.webFree)"))
    }

    // MARK: details, confirmation, booking

    /// The slot the posted form is for, with its location, or 404.
    func postedSlot(_ form: FormData) async throws -> (Slot, Location) {
        guard let slotID = Int64(form.text("slot")), let slot = try await slots.slot(id: slotID),
              let location = try await slots.location(id: slot.locationID) else { throw AppError.notFound }
        return (slot, location)
    }

    func formPage(page: ResidentPage, slot: Slot, location: Location, form: FormData, problems: [FieldProblem],
                  status: HTTPResponse.Status) throws -> Response {
        let model = ResidentModels.Form(
            purpose: slot.purpose.rawValue, purposeLabel: page.purposeLabel(slot.purpose), isPickup: slot.purpose == .pickup,
            location: .init(location), slot: slotItem(slot, page: page),
            form: Dictionary(uniqueKeysWithValues: Self.formFields.map { ($0, form.text($0)) }),
            fieldErrors: FieldProblem.byField(problems), errors: problems.map { .init(field: $0.field, message: $0.message) },
            cardMail: form.text("cardMail") == "1")
        return try page.response(renderer, "resident-form", title: page.en ? "Your details" : "予約者の情報", model, status: status, tls: tls)
    }

    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        let (slot, location) = try await postedSlot(context.form)
        let cardMail = slot.purpose != .pickup && context.form.text("cardMail") == "1"
        switch BookingInput(form: context.form).validated(purpose: slot.purpose, today: clock.now(), language: page.language) {
        case .failure(let invalid):
            return try formPage(page: page, slot: slot, location: location, form: context.form, problems: invalid.problems,
                                status: .unprocessableContent)
        case .success(let clean) where !ContactConsent.problems(wanted: cardMail, email: clean.email, applicationID: clean.applicationID,
                                                                 language: page.language).isEmpty:
            return try formPage(page: page, slot: slot, location: location, form: context.form,
                                problems: ContactConsent.problems(wanted: cardMail, email: clean.email, applicationID: clean.applicationID,
                                                                  language: page.language), status: .unprocessableContent)
        case .success(let clean):
            let model = ResidentModels.Confirm(
                purposeLabel: page.purposeLabel(slot.purpose), isPickup: slot.purpose == .pickup, location: .init(location),
                slot: slotItem(slot, page: page),
                person: .init(name: clean.fullName, kana: clean.fullKana, birthDate: CalendarDate(clean.birthDate).map(page.dayLabel) ?? "",
                              phone: clean.phone, email: clean.email, applicationID: clean.applicationID, noticeNumber: clean.noticeNumber,
                              cardMail: cardMail),
                // One key per confirmation page: pressing 予約する twice, or again after a
                // "try again" page during a failover, books one seat (#14).
                hidden: Self.formFields.map { .init(name: $0, value: context.form.text($0)) }
                    + [.init(name: "requestKey", value: SecureToken.generate(bytes: 18))])
            return try page.response(renderer, "resident-confirm", title: page.en ? "Check and book" : "予約内容の確認", model, tls: tls)
        }
    }

    @Sendable func complete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        let (slot, location) = try await postedSlot(context.form)
        if context.form["edit"] != nil {
            return try formPage(page: page, slot: slot, location: location, form: context.form, problems: [], status: .ok)
        }
        do {
            let key = context.form.text("requestKey")
            switch try await booking.book(slotID: slot.id, raw: BookingInput(form: context.form), language: page.language,
                                          idempotencyKey: key.isEmpty ? nil : key,
                                          cardMail: slot.purpose != .pickup && context.form.text("cardMail") == "1", caller: context.caller) {
            case .invalid(let problems):
                return try formPage(page: page, slot: slot, location: location, form: context.form, problems: problems, status: .unprocessableContent)
            case .booked(let booked):
                return Responses.redirect("/book/done/\(booked.code)")
            }
        } catch let error as BookingError {
            if error == .slotFull || error == .outsideWindow {
                let steps = ResidentModels.Steps(purpose: slot.purpose.rawValue, purposeLabel: page.purposeLabel(slot.purpose), changing: false)
                return try await times(page: page, steps: steps, location: location, date: slot.day, status: .conflict, message: error.message(page.language))
            }
            return try ResidentReservationController.message(renderer, page, title: page.en ? "Could not book" : "予約できませんでした",
                                                             error.message(page.language), status: .conflict, tls: tls)
        }
    }

    /// The confirmation: code, QR and time, printable. It shows no personal details, so the link
    /// alone reveals nothing about the person.
    @Sendable func done(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = ResidentPage(request)
        guard let found = try await booking.find(code: context.parameters.get("code") ?? "") else { throw AppError.notFound }
        let model = try ResidentReservationController.ticket(found, page: page, personal: false, booking: booking, flash: "", now: clock.now())
        return try page.response(renderer, "resident-done", title: page.en ? "Booked" : "予約完了", model, tls: tls)
    }
}
