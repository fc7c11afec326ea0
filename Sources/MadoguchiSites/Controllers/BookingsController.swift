import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// The staff side of booking (A2, A5, A6, A8): the day view per location that updates live,
/// phone bookings, search, edit, move, cancel, check-in by code / QR scan / click, no-shows,
/// and the printable day list.
struct BookingsController {
    let services: SiteServices
    var desk: BookingDesk { BookingDesk(services: services) }

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/bookings", .permission(.bookingView), use: day)
            .get("/bookings/events", .permission(.bookingView), use: events)
            .get("/bookings/print", .permission(.bookingView), use: print)
            .get("/bookings/search", .permission(.bookingView), use: search)
            .post("/bookings/check-in", .permission(.bookingWrite), use: checkInByCode)
            .post("/bookings/no-shows", .permission(.bookingWrite), use: noShows)
            .get("/bookings/new", .permission(.bookingWrite), use: newForm)
            .post("/bookings/new", .permission(.bookingWrite), use: create)
            .get("/bookings/:id", .permission(.bookingView), use: show)
            .post("/bookings/:id", .permission(.bookingWrite), use: update)
            .post("/bookings/:id/cancel", .permission(.bookingWrite), use: cancel)
            .post("/bookings/:id/move", .permission(.bookingWrite), use: move)
            .post("/bookings/:id/check-in", .permission(.bookingWrite), use: checkIn)
            .post("/bookings/:id/undo-check-in", .permission(.bookingWrite), use: undoCheckIn)
            .post("/slots/:id/capacity", .permission(.slotsManage), use: capacity)
    }

    // MARK: day view

    /// The location and day a request is about: the query, else the first location and today.
    func selection(_ request: Request) async throws -> (Location, CalendarDate, [Location]) {
        let locations = try await services.slots.locations()
        let asked = request.uri.queryParameters["location"].flatMap { Int64(String($0)) }
        guard let location = locations.first(where: { $0.id == asked }) ?? locations.first else {
            throw AppError.refused(status: .notFound, slug: "no-location", message: "庁舎・窓口が登録されていません。予約枠の設定で登録してください。")
        }
        let day = request.uri.queryParameters["date"].flatMap { CalendarDate(String($0)) } ?? CalendarDate(services.clock.now())
        return (location, day, locations)
    }

    func dayValues(location: Location, day: CalendarDate, context: AppRequestContext) async throws -> [String: Any] {
        try await services.slots.ensurePlanned(locationID: location.id, now: services.clock.now())
        let slots = try await services.slots.slots(locationID: location.id, purpose: nil, from: day, through: day)
        let bookings = try await services.bookings.day(locationID: location.id, day: day)
        let canWrite = context.identity?.has(.bookingWrite) ?? false
        let canManage = context.identity?.has(.slotsManage) ?? false
        let now = services.clock.now()
        var counts: [BookingStatus: Int] = [:]
        for booking in bookings { counts[booking.status, default: 0] += 1 }
        return [
            "location": ["id": location.id, "name": location.name],
            "date": day.description, "wareki": JapaneseDate.wareki(year: day.year, month: day.month, day: day.day) + "（\(ResidentPage.weekdaysJA[day.weekday])）",
            "previous": day.adding(days: -1)!.description, "next": day.adding(days: 1)!.description,
            "isToday": day == CalendarDate(now), "canWrite": canWrite, "canManage": canManage,
            "canLedger": context.identity?.has(.ledgerView) ?? false,
            "slots": slots.map { slot -> [String: Any] in
                let inSlot = bookings.filter { $0.slotID == slot.id }
                return ["id": slot.id, "time": slot.timeRange, "purpose": slot.purpose.label, "webBooked": slot.webBooked,
                        "webCapacity": slot.webCapacity, "staffBooked": slot.staffBooked, "staffCapacity": slot.staffCapacity,
                        "withdrawn": slot.withdrawn, "overridden": slot.capacityOverridden, "full": slot.staffFree == 0,
                        "canBook": canWrite && slot.staffFree > 0 && slot.endsAt > now, "canManage": canManage,
                        "bookings": inSlot.map { bookingRow($0, canWrite: canWrite, now: now) }]
            },
            "totals": ["booked": counts[.booked] ?? 0, "checkedIn": counts[.checkedIn] ?? 0, "noShow": counts[.noShow] ?? 0,
                       "cancelled": counts[.cancelled] ?? 0,
                       "capacity": slots.reduce(0) { $0 + $1.capacity }, "seats": slots.reduce(0) { $0 + $1.booked }],
        ]
    }

    func bookingRow(_ b: Booking, canWrite: Bool, now: Date) -> [String: Any] {
        ["id": b.id, "code": b.displayCode, "name": b.input.fullName, "kana": b.input.fullKana, "phone": b.input.phone,
         "status": b.status.label, "statusClass": b.status.rawValue, "channel": b.channel.label, "purpose": b.purpose.label,
         "time": b.timeRange, "date": b.day.description, "locationName": b.locationName,
         "isBooked": b.status == .booked, "canCheckIn": canWrite && (b.status == .booked || b.status == .noShow) && b.day == CalendarDate(now),
         "duplicate": b.duplicateOverride, "applicationID": b.input.applicationID, "noticeNumber": b.input.noticeNumber]
    }

    @Sendable func day(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (location, day, locations) = try await selection(request)
        try await services.audit(context, action: "booking.day.list", recordType: "location", recordID: String(location.id),
                                 detail: day.description)
        var values = try await dayValues(location: location, day: day, context: context)
        values["locations"] = locations.map { ["id": $0.id, "name": $0.name, "selected": $0.id == location.id] }
        values["lastEvent"] = try await services.bookingFeed.latestEventID()
        if let flash = request.uri.queryParameters["flash"] { values["flash"] = String(flash) }
        if let error = request.uri.queryParameters["error"] { values["error"] = String(error) }
        return try services.renderer.response("bookings-day", StaffPage.context(context, title: "来庁予約 \(location.name) \(day)",
                                                                                current: "/bookings", values))
    }

    @Sendable func print(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (location, day, _) = try await selection(request)
        try await services.audit(context, action: "booking.print.list", recordType: "location", recordID: String(location.id),
                                 detail: day.description)
        var values = try await dayValues(location: location, day: day, context: context)
        values["printedAt"] = JapaneseDate.dateTime(services.clock.now())
        values["printedBy"] = context.identity?.displayName ?? ""
        return try services.renderer.response("bookings-print", StaffPage.context(context, title: "予約者一覧 \(location.name) \(day)",
                                                                                  current: "/bookings", values))
    }

    /// Server-sent events for one location: replays what the page missed (Last-Event-ID or
    /// `after`), then forwards live changes from PostgreSQL NOTIFY, with heartbeats. The stream
    /// ends after a while and the browser reconnects, so no connection lives forever.
    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let locationID = request.uri.queryParameters["location"].flatMap({ Int64(String($0)) }) else { throw AppError.notFound }
        let feed = services.bookingFeed
        let after = request.headers[.lastEventID].flatMap { Int64($0) }
            ?? request.uri.queryParameters["after"].flatMap { Int64(String($0)) }
        let configuration = services.configuration
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.xAccelBuffering] = "no"
        let body = ResponseBody { writer in
            let (subscription, stream) = await feed.subscribe()
            defer { Task { await feed.unsubscribe(subscription) } }
            var replayed: Int64
            if let after { replayed = after } else { replayed = try await feed.latestEventID() }
            try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
            for event in try await feed.events(after: replayed, location: locationID) {
                try await writer.write(ByteBuffer(string: Self.sse(event)))
                replayed = event.id
            }
            let last = replayed
            let (lines, output) = AsyncStream<String>.makeStream()
            let pump = Task {
                for await event in stream where (event.location == locationID && event.id > last) || event.kind == "resync" {
                    output.yield(Self.sse(event))
                }
                output.finish()
            }
            let heartbeat = Task {
                let end = ContinuousClock.now + .seconds(configuration.liveStreamSeconds)
                while ContinuousClock.now < end {
                    try? await Task.sleep(for: .seconds(min(configuration.liveHeartbeatSeconds, configuration.liveStreamSeconds)))
                    if Task.isCancelled { return }
                    output.yield(": ping\n\n")
                }
                output.finish()
            }
            defer {
                pump.cancel()
                heartbeat.cancel()
            }
            for await line in lines {
                try await writer.write(ByteBuffer(string: line))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func sse(_ event: BookingFeedEvent) -> String {
        let json = (try? String(decoding: JSONEncoder().encode(event), as: UTF8.self)) ?? "{}"
        return "id: \(event.id)\nevent: booking\ndata: \(json)\n\n"
    }

    // MARK: check-in and day end

    func dayURL(locationID: Int64, date: String) -> String {
        "/bookings?location=\(locationID)&date=\(date)"
    }

    /// Check-in by booking code: typed, or sent by a keyboard-wedge scanner reading the QR code
    /// (the scanner types the code and Enter into the focused field).
    @Sendable func checkInByCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        let locationID = Int64(context.form.text("location")) ?? 0
        let date = CalendarDate(context.form.text("date"))?.description ?? CalendarDate(services.clock.now()).description
        guard let code = BookingCode.normalized(context.form.text("code")), let booking = try await services.bookings.find(code: code) else {
            return Responses.redirect(dayURL(locationID: locationID, date: date), error: "予約番号「\(context.form.text("code").prefix(20))」の予約はありません。")
        }
        do {
            let checked = try await desk.checkIn(booking, context: context)
            let other = checked.locationID != locationID ? "（\(checked.locationName)の予約）" : ""
            return Responses.redirect(dayURL(locationID: locationID, date: date),
                                      flash: "\(checked.input.fullName) 様（\(checked.displayCode) \(checked.timeRange) \(checked.purpose.label)）を来庁済にしました。\(other)")
        } catch let error as BookingError {
            return Responses.redirect(dayURL(locationID: locationID, date: date), error: "\(booking.displayCode): \(error.message())")
        }
    }

    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await pathBooking(context)
        let back = context.form.text("back") == "day" ? dayURL(locationID: booking.locationID, date: booking.day.description) : "/bookings/\(booking.id)"
        do {
            let checked = try await desk.checkIn(booking, context: context)
            return Responses.redirect(back, flash: "\(checked.input.fullName) 様を来庁済にしました。")
        } catch let error as BookingError {
            return Responses.redirect(back, error: error.message())
        }
    }

    @Sendable func undoCheckIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await pathBooking(context)
        do {
            try await services.database.transaction { connection in
                try await services.bookings.undoCheckIn(bookingID: booking.id, on: connection)
                try await services.auditLog.record(services.event(context, action: "booking.undo-check-in", recordType: "booking",
                                                                  recordID: String(booking.id)), on: connection)
            }
        } catch let error as BookingError {
            return Responses.redirect("/bookings/\(booking.id)", error: error.message())
        }
        return Responses.redirect("/bookings/\(booking.id)", flash: "来庁済を取り消しました。")
    }

    @Sendable func noShows(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let locationID = Int64(context.form.text("location")), let day = CalendarDate(context.form.text("date")) else {
            throw AppError.badRequest("窓口と日付を指定してください。")
        }
        let count = try await services.database.transaction { connection in
            let count = try await services.bookings.markNoShows(locationID: locationID, day: day, now: services.clock.now(), on: connection)
            try await services.auditLog.record(services.event(context, action: "booking.no-shows", recordType: "location",
                                                              recordID: String(locationID), detail: "\(day) count=\(count)"), on: connection)
            return count
        }
        return Responses.redirect(dayURL(locationID: locationID, date: day.description),
                                  flash: "終了した時間帯の未来庁 \(count) 件を不来庁にしました。")
    }

    @Sendable func capacity(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slotID = Int64(context.parameters.get("id") ?? ""), let slot = try await services.slots.slot(id: slotID) else {
            throw AppError.notFound
        }
        let back = dayURL(locationID: slot.locationID, date: slot.day.description)
        guard let web = Int(context.form.text("webCapacity")), let staff = Int(context.form.text("staffCapacity")) else {
            return Responses.redirect(back, error: "定員は数字で入力してください。")
        }
        do {
            try await services.database.transaction { connection in
                try await services.slots.setCapacity(slotID: slotID, web: web, staff: staff, on: connection)
                try await services.auditLog.record(services.event(context, action: "slot.capacity", recordType: "slot", recordID: String(slotID),
                                                                  detail: "web=\(web) staff=\(staff)"), on: connection)
            }
        } catch let error as SlotError {
            return Responses.redirect(back, error: error.description)
        }
        return Responses.redirect(back, flash: "\(slot.timeRange) の定員を変更しました。")
    }

    // MARK: phone bookings

    func formPage(_ context: AppRequestContext, slot: Slot, form: FormData, problems: [FieldProblem], duplicate: [Booking],
                  pickupWarning: Bool = false, status: HTTPResponse.Status) async throws -> Response {
        let location = try await services.slots.location(id: slot.locationID)
        let fieldErrors = FieldProblem.byField(problems)
        let fields = ResidentController.formFields + ["notes", "channel"]
        let values: [String: Any] = [
            "slot": ["id": slot.id, "time": slot.timeRange, "date": slot.day.description, "purpose": slot.purpose.label,
                     "free": slot.staffFree, "location": location?.name ?? "", "locationID": slot.locationID],
            "isPickup": slot.purpose == .pickup,
            "form": Dictionary(uniqueKeysWithValues: fields.map { ($0, form.text($0)) }),
            "isCounter": form.text("channel") == "counter",
            "fieldErrors": fieldErrors, "errors": problems.map(\.message),
            "duplicates": duplicate.map { bookingRow($0, canWrite: false, now: services.clock.now()) },
            "pickupWarning": pickupWarning,
        ]
        return try services.renderer.response("booking-new", StaffPage.context(context, title: "電話・窓口予約の登録", current: "/bookings", values),
                                              status: status)
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slotID = request.uri.queryParameters["slot"].flatMap({ Int64(String($0)) }), let slot = try await services.slots.slot(id: slotID)
        else { throw AppError.notFound }
        return try await formPage(context, slot: slot, form: FormData(), problems: [], duplicate: [], status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slotID = Int64(context.form.text("slot")), let slot = try await services.slots.slot(id: slotID) else { throw AppError.notFound }
        let channel: BookingChannel = context.form.text("channel") == "counter" ? .counter : .phone
        let override = context.form["overrideDuplicate"] == "1"
        let overridePickup = context.form["overridePickupCheck"] == "1"
        do {
            switch try await desk.book(slotID: slotID, raw: BookingInput(form: context.form), actor: .staff(userID: context.identity?.userID, channel: channel),
                                       overrideDuplicate: override, overridePickupCheck: overridePickup, context: context) {
            case .invalid(let problems):
                return try await formPage(context, slot: slot, form: context.form, problems: problems, duplicate: [], status: .unprocessableContent)
            case .booked(let booking):
                return Responses.redirect("/bookings/\(booking.id)", flash: "予約を登録しました。予約番号 \(booking.displayCode) をお伝えください。")
            }
        } catch let error as BookingError {
            if case .pickupNotReady(let check) = error {
                return try await formPage(context, slot: slot, form: context.form,
                                          problems: [.init(field: "pickup", message: check.staffMessage + " 確認のうえ予約する場合は「管理簿の照合結果を承知で登録する」にチェックしてください。")],
                                          duplicate: [], pickupWarning: true, status: .conflict)
            }
            if case .duplicate = error, case .success(let clean) = BookingInput(form: context.form).validated(purpose: slot.purpose, today: services.clock.now()) {
                let existing = try await services.bookings.duplicates(of: clean, purpose: slot.purpose, now: services.clock.now(),
                                                                     on: services.database.client)
                return try await formPage(context, slot: slot, form: context.form,
                                          problems: [.init(field: "duplicate", message: "同じ方の同じ目的の予約がすでにあります（重複予約）。内容を確認し、必要な場合だけ「重複を承知で登録する」にチェックしてください。")],
                                          duplicate: existing, status: .conflict)
            }
            return try await formPage(context, slot: slot, form: context.form, problems: [.init(field: "slot", message: error.message())],
                                      duplicate: [], status: .conflict)
        }
    }

    // MARK: one booking

    func pathBooking(_ context: AppRequestContext) async throws -> Booking {
        guard let id = Int64(context.parameters.get("id") ?? ""), let booking = try await services.bookings.find(id: id) else {
            throw AppError.notFound
        }
        return booking
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context: context, problems: [], status: .ok)
    }

    func page(_ request: Request, context: AppRequestContext, problems: [FieldProblem], form: FormData? = nil,
              status: HTTPResponse.Status) async throws -> Response {
        let booking = try await pathBooking(context)
        try await services.audit(context, action: "booking.view", recordType: "booking", recordID: String(booking.id))
        let now = services.clock.now()
        let canWrite = context.identity?.has(.bookingWrite) ?? false
        // Where it can move: slots of the same purpose at the same location in the next two weeks.
        var moveOptions: [[String: Any]] = []
        if canWrite, booking.isOpen(at: now) {
            let today = CalendarDate(now)
            moveOptions = try await services.slots.slots(locationID: booking.locationID, purpose: booking.purpose, from: today,
                                                         through: today.adding(days: 30)!)
                .filter { $0.id != booking.slotID && $0.staffFree > 0 && $0.endsAt > now }
                .prefix(300).map { ["id": $0.id, "label": "\($0.day) \($0.timeRange)（空き\($0.staffFree)）"] }
        }
        let input = booking.input
        let fieldErrors = FieldProblem.byField(problems)
        let formValues: [String: String] = form.map { f in Dictionary(uniqueKeysWithValues: (ResidentController.formFields + ["notes"]).map { ($0, f.text($0)) }) } ?? [
            "familyName": input.familyName, "givenName": input.givenName, "familyKana": input.familyKana, "givenKana": input.givenKana,
            "birthDate": input.birthDate, "phone": input.phone, "email": input.email, "applicationID": input.applicationID,
            "noticeNumber": input.noticeNumber, "notes": input.notes,
        ]
        var values: [String: Any] = [
            "booking": bookingRow(booking, canWrite: canWrite, now: now).merging([
                "birthDate": input.birthDate, "birthWareki": CalendarDate(input.birthDate).map { JapaneseDate.wareki(year: $0.year, month: $0.month, day: $0.day) } ?? "",
                "email": input.email, "notes": input.notes, "version": booking.version, "createdAt": JapaneseDate.dateTime(booking.createdAt),
                "createdBy": booking.createdBy ?? "住民（インターネット）", "checkedInAt": booking.checkedInAt.map(JapaneseDate.dateTime) ?? "",
                "isCheckedIn": booking.status == .checkedIn, "isOpen": booking.isOpen(at: now), "locationID": booking.locationID,
                "seat": booking.seat == "web" ? "インターネット枠" : "電話・窓口枠",
            ]) { $1 },
            "form": formValues, "fieldErrors": fieldErrors, "errors": problems.map(\.message), "canWrite": canWrite,
            "isPickup": booking.purpose == .pickup,
            "moveOptions": moveOptions,
        ]
        // The card ledger and the registry beside the booking (A4, C5): is the card ready, and does
        // the registry know this person as written?
        if booking.purpose == .pickup, context.identity?.has(.ledgerView) ?? false {
            let check = try await services.ledger.pickupCheck(applicationID: input.applicationID, kanaKey: input.kanaKey, birthDate: input.birthDate,
                                                              on: services.database.client)
            var ledger: [String: Any] = ["message": check.staffMessage, "ready": check.isReady]
            if case .ready(let entry) = check { ledger["entryID"] = entry.id }
            if case .notReady(let entry) = check { ledger["entryID"] = entry.id }
            if case .onHold(let entry) = check { ledger["entryID"] = entry.id }
            values["ledger"] = ledger
        }
        if context.identity?.has(.registryView) ?? false {
            let match = try await services.registry.match(name: input.familyName + "\u{3000}" + input.givenName, kanaKey: input.kanaKey,
                                                          birthDate: CalendarDate(input.birthDate), sex: nil, address: "")
            values["registry"] = LedgerController.registryValues(match)
        }
        if let flash = request.uri.queryParameters["flash"] { values["flash"] = String(flash) }
        if let error = request.uri.queryParameters["error"] { values["error"] = String(error) }
        return try services.renderer.response("booking", StaffPage.context(context, title: "予約 \(booking.displayCode)", current: "/bookings", values),
                                              status: status)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await pathBooking(context)
        guard let version = Int(context.form.text("version")) else { throw AppError.badRequest("版数がありません。") }
        switch BookingInput(form: context.form).validated(purpose: booking.purpose, today: services.clock.now()) {
        case .failure(let invalid):
            return try await page(request, context: context, problems: invalid.problems, form: context.form, status: .unprocessableContent)
        case .success(let clean):
            do {
                try await services.database.transaction { connection in
                    try await services.bookings.update(bookingID: booking.id, input: clean, expectedVersion: version, on: connection)
                    try await services.auditLog.record(services.event(context, action: "booking.update", recordType: "booking",
                                                                      recordID: String(booking.id)), on: connection)
                }
            } catch let error as BookingError {
                return try await page(request, context: context, problems: [.init(field: "version", message: error.message())],
                                      form: context.form, status: .conflict)
            }
            return Responses.redirect("/bookings/\(booking.id)", flash: "保存しました。")
        }
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await pathBooking(context)
        do {
            try await desk.cancel(booking, actor: .staff(userID: context.identity?.userID, channel: .phone), context: context)
        } catch let error as BookingError {
            return Responses.redirect("/bookings/\(booking.id)", error: error.message())
        }
        return Responses.redirect("/bookings/\(booking.id)", flash: "予約を取り消しました。")
    }

    @Sendable func move(_ request: Request, context: AppRequestContext) async throws -> Response {
        let booking = try await pathBooking(context)
        guard let slotID = Int64(context.form.text("slot")) else {
            return Responses.redirect("/bookings/\(booking.id)", error: "変更先の時間帯を選んでください。")
        }
        do {
            _ = try await desk.move(booking, to: slotID, actor: .staff(userID: context.identity?.userID, channel: .phone), context: context)
        } catch let error as BookingError {
            return Responses.redirect("/bookings/\(booking.id)", error: error.message())
        }
        return Responses.redirect("/bookings/\(booking.id)", flash: "予約日時を変更しました。")
    }

    // MARK: search

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let text = query["q"].map(String.init) ?? ""
        let from = query["from"].flatMap { CalendarDate(String($0)) }
        let through = query["to"].flatMap { CalendarDate(String($0)) }
        var values: [String: Any] = ["q": text, "from": from?.description ?? "", "to": through?.description ?? ""]
        if !text.isEmpty || from != nil || through != nil {
            let results = try await services.bookings.search(text: text, from: from, through: through)
            try await services.audit(context, action: "booking.search", detail: "q=\(text.prefix(40)) from=\(from?.description ?? "") to=\(through?.description ?? "")")
            values["searched"] = true
            values["count"] = results.count
            values["results"] = results.map { bookingRow($0, canWrite: false, now: services.clock.now()) }
        }
        return try services.renderer.response("bookings-search", StaffPage.context(context, title: "予約の検索", current: "/bookings", values))
    }
}

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
    static let xAccelBuffering = Self("X-Accel-Buffering")!
}
