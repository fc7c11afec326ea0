import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The day at the counter (A5, A8): the day view per location that updates live, its printable
/// list, check-in by code or QR scan, no-shows at the end of the day, and a slot's capacity.
struct BookingsDayController {
    let booking: BookingDesk
    let slots: SlotDesk
    let renderer: PageRenderer
    let clock: any TimeSource
    let configuration: SiteConfiguration

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/bookings", .permission(.bookingView), use: day)
            .get("/bookings/events", .permission(.bookingView), use: events)
            .get("/bookings/print", .permission(.bookingView), use: print)
            .post("/bookings/check-in", .permission(.bookingWrite), use: checkInByCode)
            .post("/bookings/no-shows", .permission(.bookingWrite), use: noShows)
            .post("/slots/:id/capacity", .permission(.slotsManage), use: capacity)
    }

    /// The location and day a request is about: the query, else the first location and today.
    func selection(_ request: Request) async throws -> (Location, CalendarDate, [Location]) {
        let locations = try await slots.locations()
        let asked = request.uri.queryParameters["location"].flatMap { Int64(String($0)) }
        guard let location = locations.first(where: { $0.id == asked }) ?? locations.first else {
            throw AppError.refused(status: .notFound, slug: "no-location", message: "庁舎・窓口が登録されていません。予約枠の設定で登録してください。")
        }
        let day = request.uri.queryParameters["date"].flatMap { CalendarDate(String($0)) } ?? CalendarDate(clock.now())
        return (location, day, locations)
    }

    func model(_ request: Request, context: AppRequestContext, printing: Bool) async throws -> (BookingsModels.Day, Location, CalendarDate) {
        let (location, day, locations) = try await selection(request)
        let daySlots = try await slots.slots(locationID: location.id, purpose: nil, from: day, through: day)
        let bookings = try await booking.day(locationID: location.id, day: day, printing: printing, caller: context.caller)
        let canWrite = context.caller.has(.bookingWrite), canManage = context.caller.has(.slotsManage)
        let now = clock.now()
        func count(_ status: BookingStatus) -> Int { bookings.filter { $0.status == status }.count }
        let model = BookingsModels.Day(
            location: .init(id: location.id, name: location.name),
            locations: locations.map { .init(id: $0.id, name: $0.name, selected: $0.id == location.id) },
            date: day.description, wareki: JapaneseDate.wareki(year: day.year, month: day.month, day: day.day) + "（\(ResidentPage.weekdaysJA[day.weekday])）",
            previous: day.adding(days: -1)!.description, next: day.adding(days: 1)!.description, isToday: day == CalendarDate(now),
            canWrite: canWrite, canManage: canManage, canLedger: context.caller.has(.ledgerView),
            slots: daySlots.map { slot in
                .init(id: slot.id, time: slot.timeRange, purpose: slot.purpose.label, webBooked: slot.webBooked, webCapacity: slot.webCapacity,
                      staffBooked: slot.staffBooked, staffCapacity: slot.staffCapacity, withdrawn: slot.withdrawn, overridden: slot.capacityOverridden,
                      full: slot.staffFree == 0, canBook: canWrite && slot.staffFree > 0 && slot.endsAt > now, canManage: canManage,
                      bookings: bookings.filter { $0.slotID == slot.id }.map { .init($0, canWrite: canWrite, now: now) })
            },
            totals: .init(booked: count(.booked), checkedIn: count(.checkedIn), noShow: count(.noShow), cancelled: count(.cancelled),
                          capacity: daySlots.reduce(0) { $0 + $1.capacity }, seats: daySlots.reduce(0) { $0 + $1.booked }),
            lastEvent: try await booking.latestEventID())
        return (model, location, day)
    }

    @Sendable func day(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (model, location, day) = try await model(request, context: context, printing: false)
        return try renderer.staff("bookings-day", context, title: "来庁予約 \(location.name) \(day)", current: "/bookings",
                                  messages: PageMessages(request), model)
    }

    @Sendable func print(_ request: Request, context: AppRequestContext) async throws -> Response {
        var (model, location, day) = try await model(request, context: context, printing: true)
        model.printedAt = JapaneseDate.dateTime(clock.now())
        model.printedBy = context.identity?.displayName ?? ""
        return try renderer.staff("bookings-print", context, title: "予約者一覧 \(location.name) \(day)", current: "/bookings", model)
    }

    /// Server-sent events for one location: replays what the page missed (Last-Event-ID or
    /// `after`), then forwards live changes from PostgreSQL NOTIFY, with heartbeats. The stream
    /// ends after a while and the browser reconnects, so no connection lives forever.
    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let locationID = request.uri.queryParameters["location"].flatMap({ Int64(String($0)) }) else { throw AppError.notFound }
        let desk = booking
        let after = request.headers[.lastEventID].flatMap { Int64($0) } ?? request.uri.queryParameters["after"].flatMap { Int64(String($0)) }
        let (streamSeconds, heartbeatSeconds) = (configuration.liveStreamSeconds, configuration.liveHeartbeatSeconds)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.xAccelBuffering] = "no"
        let body = ResponseBody { writer in
            let (subscription, stream) = await desk.subscribe()
            defer { Task { await desk.unsubscribe(subscription) } }
            var replayed: Int64
            if let after { replayed = after } else { replayed = try await desk.latestEventID() }
            try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
            for event in try await desk.events(after: replayed, location: locationID) {
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
                let end = ContinuousClock.now + .seconds(streamSeconds)
                while ContinuousClock.now < end {
                    try? await Task.sleep(for: .seconds(min(heartbeatSeconds, streamSeconds)))
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

    static func dayURL(locationID: Int64, date: String) -> String { "/bookings?location=\(locationID)&date=\(date)" }

    /// Check-in by booking code: typed, or sent by a keyboard-wedge scanner reading the QR code
    /// (the scanner types the code and Enter into the focused field).
    @Sendable func checkInByCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        let locationID = Int64(context.form.text("location")) ?? 0
        let date = CalendarDate(context.form.text("date"))?.description ?? CalendarDate(clock.now()).description
        let back = Self.dayURL(locationID: locationID, date: date)
        guard let found = try await booking.find(code: context.form.text("code")) else {
            return Responses.redirect(back, error: "予約番号「\(context.form.text("code").prefix(20))」の予約はありません。")
        }
        do {
            let checked = try await booking.checkIn(found, caller: context.caller)
            let other = checked.locationID != locationID ? "（\(checked.locationName)の予約）" : ""
            return Responses.redirect(back, flash: "\(checked.input.fullName) 様（\(checked.displayCode) \(checked.timeRange) \(checked.purpose.label)）を来庁済にしました。\(other)")
        } catch let error as BookingError {
            return Responses.redirect(back, error: "\(found.displayCode): \(error.message())")
        }
    }

    @Sendable func noShows(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let locationID = Int64(context.form.text("location")), let day = CalendarDate(context.form.text("date")) else {
            throw AppError.badRequest("窓口と日付を指定してください。")
        }
        let count = try await booking.markNoShows(locationID: locationID, day: day, caller: context.caller)
        return Responses.redirect(Self.dayURL(locationID: locationID, date: day.description), flash: "終了した時間帯の未来庁 \(count) 件を不来庁にしました。")
    }

    @Sendable func capacity(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slotID = Int64(context.parameters.get("id") ?? ""), let slot = try await slots.slot(id: slotID) else { throw AppError.notFound }
        let back = Self.dayURL(locationID: slot.locationID, date: slot.day.description)
        guard let web = Int(context.form.text("webCapacity")), let staff = Int(context.form.text("staffCapacity")) else {
            return Responses.redirect(back, error: "定員は数字で入力してください。")
        }
        do {
            _ = try await slots.setCapacity(slotID: slotID, web: web, staff: staff, caller: context.caller)
        } catch let error as SlotError {
            return Responses.redirect(back, error: error.description)
        }
        return Responses.redirect(back, flash: "\(slot.timeRange) の定員を変更しました。")
    }
}

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
    static let xAccelBuffering = Self("X-Accel-Buffering")!
}
