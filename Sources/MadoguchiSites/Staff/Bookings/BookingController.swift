import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// One booking on the staff site (A2, A6): phone and counter bookings, the booking's page with
/// the card ledger's and the registry's answer, edit, move, cancel, check-in, and the search.
struct BookingController {
    let booking: BookingDesk
    let slots: SlotDesk
    let mail: MailDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/bookings/search", .permission(.bookingView), use: search)
            .get("/bookings/new", .permission(.bookingWrite), use: newForm)
            .post("/bookings/new", .permission(.bookingWrite), use: create)
            .get("/bookings/:id", .permission(.bookingView), use: show)
            .post("/bookings/:id", .permission(.bookingWrite), use: update)
            .post("/bookings/:id/cancel", .permission(.bookingWrite), use: cancel)
            .post("/bookings/:id/move", .permission(.bookingWrite), use: move)
            .post("/bookings/:id/check-in", .permission(.bookingWrite), use: checkIn)
            .post("/bookings/:id/undo-check-in", .permission(.bookingWrite), use: undoCheckIn)
    }

    static let formFields = ResidentBookingController.formFields + ["notes"]

    // MARK: phone bookings

    func formPage(_ context: AppRequestContext, slot: Slot, form: FormData, problems: [FieldProblem], duplicates: [Booking],
                  pickupWarning: Bool = false, status: HTTPResponse.Status) async throws -> Response {
        let location = try await slots.location(id: slot.locationID)
        let model = BookingsModels.New(
            slot: .init(id: slot.id, time: slot.timeRange, date: slot.day.description, purpose: slot.purpose.label, free: slot.staffFree,
                        location: location?.name ?? "", locationID: slot.locationID),
            isPickup: slot.purpose == .pickup, form: Dictionary(uniqueKeysWithValues: (Self.formFields + ["channel"]).map { ($0, form.text($0)) }),
            isCounter: form.text("channel") == "counter", fieldErrors: FieldProblem.byField(problems), errors: problems.map(\.message),
            duplicates: duplicates.map { .init($0, canWrite: false, now: clock.now()) }, pickupWarning: pickupWarning)
        return try renderer.staff("booking-new", context, title: "電話・窓口予約の登録", current: "/bookings", model, status: status)
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slotID = request.uri.queryParameters["slot"].flatMap({ Int64(String($0)) }), let slot = try await slots.slot(id: slotID)
        else { throw AppError.notFound }
        return try await formPage(context, slot: slot, form: FormData(), problems: [], duplicates: [], status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slotID = Int64(context.form.text("slot")), let slot = try await slots.slot(id: slotID) else { throw AppError.notFound }
        let channel: BookingChannel = context.form.text("channel") == "counter" ? .counter : .phone
        let raw = BookingInput(form: context.form)
        do {
            switch try await booking.book(slotID: slotID, raw: raw, channel: channel, overrideDuplicate: context.form["overrideDuplicate"] == "1",
                                          overridePickupCheck: context.form["overridePickupCheck"] == "1", caller: context.caller) {
            case .invalid(let problems):
                return try await formPage(context, slot: slot, form: context.form, problems: problems, duplicates: [], status: .unprocessableContent)
            case .booked(let booked):
                return Responses.redirect("/bookings/\(booked.id)", flash: "予約を登録しました。予約番号 \(booked.displayCode) をお伝えください。")
            }
        } catch let error as BookingError {
            switch error {
            case .pickupNotReady(let check):
                return try await formPage(context, slot: slot, form: context.form,
                                          problems: [.init(field: "pickup", message: check.staffMessage + " 確認のうえ予約する場合は「管理簿の照合結果を承知で登録する」にチェックしてください。")],
                                          duplicates: [], pickupWarning: true, status: .conflict)
            case .duplicate:
                return try await formPage(context, slot: slot, form: context.form,
                                          problems: [.init(field: "duplicate", message: "同じ方の同じ目的の予約がすでにあります（重複予約）。内容を確認し、必要な場合だけ「重複を承知で登録する」にチェックしてください。")],
                                          duplicates: try await booking.duplicates(of: raw, slot: slot), status: .conflict)
            default:
                return try await formPage(context, slot: slot, form: context.form, problems: [.init(field: "slot", message: error.message())],
                                          duplicates: [], status: .conflict)
            }
        }
    }

    // MARK: one booking

    func pathBooking(_ context: AppRequestContext) async throws -> Booking {
        guard let id = Int64(context.parameters.get("id") ?? ""), let found = try await booking.find(id: id) else { throw AppError.notFound }
        return found
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context: context, problems: [], status: .ok)
    }

    func page(_ request: Request, context: AppRequestContext, problems: [FieldProblem], form: FormData? = nil,
              status: HTTPResponse.Status) async throws -> Response {
        let b = try await pathBooking(context)
        try await booking.open(b, caller: context.caller)
        let now = clock.now()
        let canWrite = context.caller.has(.bookingWrite)
        // Where it can move: slots of the same purpose at the same location in the next month.
        var moveOptions: [BookingsModels.MoveOption] = []
        if canWrite, b.isOpen(at: now) {
            let today = CalendarDate(now)
            moveOptions = try await slots.slots(locationID: b.locationID, purpose: b.purpose, from: today, through: today.adding(days: 30)!)
                .filter { $0.id != b.slotID && $0.staffFree > 0 && $0.endsAt > now }
                .prefix(300).map { .init(id: $0.id, label: "\($0.day) \($0.timeRange)（空き\($0.staffFree)）") }
        }
        let input = b.input
        let values: [String: String] = form.map { f in Dictionary(uniqueKeysWithValues: Self.formFields.map { ($0, f.text($0)) }) } ?? [
            "familyName": input.familyName, "givenName": input.givenName, "familyKana": input.familyKana, "givenKana": input.givenKana,
            "birthDate": input.birthDate, "phone": input.phone, "email": input.email, "applicationId": input.applicationID,
            "noticeNumber": input.noticeNumber, "notes": input.notes,
        ]
        let row = BookingsModels.Row(b, canWrite: canWrite, now: now)
        let detail = BookingsModels.Detail(
            id: b.id, code: row.code, name: row.name, kana: row.kana, phone: row.phone, status: row.status, statusClass: row.statusClass,
            channel: row.channel, purpose: row.purpose, time: row.time, date: row.date, locationName: row.locationName, locationID: b.locationID,
            duplicate: row.duplicate, canCheckIn: row.canCheckIn, birthDate: input.birthDate,
            birthWareki: CalendarDate(input.birthDate).map { JapaneseDate.wareki(year: $0.year, month: $0.month, day: $0.day) } ?? "",
            email: input.email, notes: input.notes, version: b.version, createdAt: JapaneseDate.dateTime(b.createdAt),
            createdBy: b.createdBy ?? "住民（インターネット）", checkedInAt: b.checkedInAt.map(JapaneseDate.dateTime) ?? "",
            isCheckedIn: b.status == .checkedIn, isOpen: b.isOpen(at: now), seat: b.seat == "web" ? "インターネット枠" : "電話・窓口枠")
        // The card ledger and the registry beside the booking (A4, C5).
        let (check, match) = try await booking.crossCheck(b, caller: context.caller)
        let ledger = check.map { check -> BookingsModels.LedgerNote in
            let entryID: Int64? = switch check {
            case .ready(let entry), .notReady(let entry), .onHold(let entry): entry?.id
            case .noEntry: nil
            }
            return .init(message: check.staffMessage, ready: check.isReady, entryID: entryID)
        }
        let deliveries = try await mail.deliveries(bookingID: b.id).map(BookingsModels.Delivery.init)
        var model = BookingsModels.Page(booking: detail, form: values, fieldErrors: FieldProblem.byField(problems), errors: problems.map(\.message),
                                        canWrite: canWrite, isPickup: b.purpose == .pickup, moveOptions: moveOptions, ledger: ledger,
                                        registry: match.map(RegistryView.init))
        model.deliveries = deliveries
        model.mailConfigured = mail.isConfigured
        return try renderer.staff("booking", context, title: "予約 \(b.displayCode)", current: "/bookings", messages: PageMessages(request),
                                  model, status: status)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let b = try await pathBooking(context)
        guard let version = Int(context.form.text("version")) else { throw AppError.badRequest("版数がありません。") }
        do {
            let problems = try await booking.update(b, raw: BookingInput(form: context.form), expectedVersion: version, caller: context.caller)
            guard problems.isEmpty else {
                return try await page(request, context: context, problems: problems, form: context.form, status: .unprocessableContent)
            }
        } catch let error as BookingError {
            return try await page(request, context: context, problems: [.init(field: "version", message: error.message())], form: context.form,
                                  status: .conflict)
        }
        return Responses.redirect("/bookings/\(b.id)", flash: "保存しました。")
    }

    /// Runs one change of the booking; a refusal goes back to its page as the message.
    func change(_ context: AppRequestContext, back: String? = nil, done: String,
                _ body: (Booking) async throws -> Void) async throws -> Response {
        let b = try await pathBooking(context)
        let back = back ?? "/bookings/\(b.id)"
        do {
            try await body(b)
        } catch let error as BookingError {
            return Responses.redirect(back, error: error.message())
        }
        return Responses.redirect(back, flash: done)
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await change(context, done: "予約を取り消しました。") { try await booking.cancel($0, caller: context.caller) }
    }

    @Sendable func move(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slotID = Int64(context.form.text("slot")) else {
            return Responses.redirect("/bookings/\(try await pathBooking(context).id)", error: "変更先の時間帯を選んでください。")
        }
        return try await change(context, done: "予約日時を変更しました。") { _ = try await booking.move($0, to: slotID, caller: context.caller) }
    }

    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let b = try await pathBooking(context)
        let back = context.form.text("back") == "day" ? BookingsDayController.dayURL(locationID: b.locationID, date: b.day.description) : "/bookings/\(b.id)"
        do {
            let checked = try await booking.checkIn(b, caller: context.caller)
            return Responses.redirect(back, flash: "\(checked.input.fullName) 様を来庁済にしました。")
        } catch let error as BookingError {
            return Responses.redirect(back, error: error.message())
        }
    }

    @Sendable func undoCheckIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await change(context, done: "来庁済を取り消しました。") { try await booking.undoCheckIn($0, caller: context.caller) }
    }

    // MARK: search

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let text = query["q"].map(String.init) ?? ""
        let from = query["from"].flatMap { CalendarDate(String($0)) }
        let through = query["to"].flatMap { CalendarDate(String($0)) }
        let searched = !text.isEmpty || from != nil || through != nil
        var messages = PageMessages()
        var results: [Booking] = []
        if searched {
            do {
                results = try await booking.search(text: text, from: from, through: through, caller: context.caller)
            } catch let invalid as InvalidInput {
                messages.error = invalid.problems.map(\.message).joined(separator: " ")
            }
        }
        let model = BookingsModels.Search(q: IndividualNumber.appears(in: text) ? "" : text, from: from?.description ?? "", to: through?.description ?? "",
                                          searched: searched && messages.error.isEmpty, count: results.count,
                                          results: results.map { .init($0, canWrite: false, now: clock.now()) })
        return try renderer.staff("bookings-search", context, title: "予約の検索", current: "/bookings", messages: messages, model,
                                  status: messages.error.isEmpty ? .ok : .unprocessableContent)
    }
}
