import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiReports
import PostgresNIO

/// The card ledger's pages (C1, C4, C6-C9): work lists by visit type and stage, the progress
/// board, one card's page with its stage moves, place, card data and registry check, and the
/// handover PDFs. Every view is audited (personal data) and every change is audited with its event.
struct LedgerController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/ledger", .permission(.ledgerView), use: list)
            .get("/ledger/board", .permission(.ledgerView), use: board)
            .get("/ledger/entries/:id", .permission(.ledgerView), use: show)
            .post("/ledger/entries/:id/stage", .permission(.ledgerWrite), use: moveStage)
            .post("/ledger/entries/:id/place", .permission(.ledgerWrite), use: movePlace)
            .post("/ledger/entries/:id/visit-type", .permission(.ledgerWrite), use: setVisitType)
            .post("/ledger/entries/:id/notes", .permission(.ledgerWrite), use: setNotes)
            .post("/ledger/entries/:id/card-data", .permission(.ledgerWrite), use: cardData)
            .get("/ledger/entries/:id/checklist.pdf", .permission(.ledgerView), use: checklist)
            .get("/ledger/entries/:id/receipt.pdf", .permission(.ledgerView), use: receipt)
            .get("/ledger/handovers.pdf", .permission(.ledgerView), use: handovers)
            .get("/ledger/export.csv", .permission(.exportRun), use: export)
    }

    // MARK: lists

    /// The list's conditions from the query string (the list page and its CSV share them).
    static func filter(_ request: Request) -> LedgerFilter {
        let query = request.uri.queryParameters
        return LedgerFilter(text: query["q"].map(String.init) ?? "", stage: query["stage"].flatMap { LedgerStage(rawValue: String($0)) },
                                  visitType: query["visit"].flatMap { VisitType(rawValue: String($0)) }, batch: query["batch"].map(String.init) ?? "",
                                  storageSlotID: query["slot"].flatMap { Int64(String($0)) }, unconfirmedOnly: query["unconfirmed"] == "1")
    }

    static let exportColumns = ["申請書ID", "氏名", "フリガナ", "生年月日", "性別", "住所", "申請区分", "来庁区分", "納品分", "納品日", "工程", "工程の更新",
                                "保管場所", "交付通知日時", "交付日時", "カード有効期限", "電子証明書有効期限", "券面の住所", "備考"]

    static func exportCells(_ e: LedgerEntry) -> [String] {
        [e.applicationID, e.name, e.kana, e.birthDate?.description ?? "", e.sex.label, e.address, e.cardKind.label, e.visitType.label, e.deliveryBatch,
         e.deliveredOn?.description ?? "", e.stage.label, JapaneseDate.dateTime(e.stageChangedAt), e.storagePlace ?? "",
         e.notifiedAt.map(JapaneseDate.dateTime) ?? "", e.handedOverAt.map(JapaneseDate.dateTime) ?? "", e.cardExpiry?.description ?? "",
         e.certificateExpiry?.description ?? "", e.cardAddress, e.notes]
    }

    /// Every card matching the list's conditions as CSV for Excel (UTF-8 with BOM, or CP932),
    /// read from PostgreSQL a page at a time and streamed, so memory stays flat for the whole ledger.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.identity?.has(.ledgerView) ?? false else { throw AppError.forbidden }
        let filter = Self.filter(request)
        let q = request.uri.queryParameters
        let encoding = q["encoding"].flatMap { TextEncoding(rawValue: String($0)) } ?? .utf8
        let substitute = q["substitute"] == "1"
        let ledger = services.ledger
        @Sendable func pages(_ body: ([LedgerEntry]) async throws -> Void) async throws {
            // Paged by id, not by offset: cards imported or moved during a long export cannot
            // shift the pages and make rows appear twice.
            var page = filter
            page.limit = 5000
            page.afterID = 0
            while true {
                let entries = try await ledger.search(page)
                if entries.isEmpty { return }
                try await body(entries)
                if entries.count < page.limit { return }
                page.afterID = entries.last?.id
            }
        }
        if encoding == .cp932, !substitute {
            let probe = CSVExport(encoding: .cp932, columns: Self.exportColumns, substitute: true)
            try await pages { entries in for e in entries where probe.substituted.count < 20 { _ = try probe.line(Self.exportCells(e)) } }
            if !probe.substituted.isEmpty {
                throw AppError.refused(status: .unprocessableContent, slug: "unencodable-character",
                                       message: probe.substituted.prefix(20).map(\.description).joined(separator: " / ")
                                           + "。UTF-8 で出力するか、「〓で置き換える」（substitute=1）を選んでください。")
            }
        }
        try await services.audit(context, action: "ledger.export", recordType: "ledger",
                                 detail: "q=\(filter.text.isEmpty ? "-" : "(入力あり)") stage=\(filter.stage?.rawValue ?? "-") visit=\(filter.visitType?.rawValue ?? "-") "
                                     + "batch=\(filter.batch?.isEmpty == false ? "(指定)" : "-") slot=\(filter.storageSlotID.map(String.init) ?? "-") "
                                     + "unconfirmed=\(filter.unconfirmedOnly) encoding=\(encoding.rawValue)")
        let stamp = CalendarDate(services.clock.now()).description.replacingOccurrences(of: "-", with: "")
        return Responses.csv(filename: "ledger-\(stamp).csv", encoding: encoding, columns: Self.exportColumns, substitute: substitute) { emit in
            try await pages { entries in
                for e in entries { try await emit(Self.exportCells(e)) }
            }
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let text = query["q"].map(String.init) ?? ""
        let stage = query["stage"].flatMap { LedgerStage(rawValue: String($0)) }
        let visitType = query["visit"].flatMap { VisitType(rawValue: String($0)) }
        let batch = query["batch"].map(String.init) ?? ""
        let slotID = query["slot"].flatMap { Int64(String($0)) }
        // Bounded: a page number from the address bar must not overflow the offset.
        let page = min(max(1, query["page"].flatMap { Int(String($0)) } ?? 1), 100_000)
        var filter = Self.filter(request)
        filter.limit = 101
        filter.offset = (page - 1) * 100
        var entries = try await services.ledger.search(filter)
        let hasMore = entries.count > 100
        entries = Array(entries.prefix(100))
        try await services.audit(context, action: "ledger.search", recordType: "ledger",
                                 detail: "q=\(text.isEmpty ? "-" : "(入力あり)") stage=\(stage?.rawValue ?? "-") visit=\(visitType?.rawValue ?? "-") 件数=\(entries.count)")
        let slotLabel = slotID == nil ? nil : try await services.storage.slots().first { $0.id == slotID }?.code
        var link = "/ledger?q=\(Self.encoded(text))&stage=\(stage?.rawValue ?? "")&visit=\(visitType?.rawValue ?? "")&batch=\(Self.encoded(batch))"
        if let slotID { link += "&slot=\(slotID)" }
        if filter.unconfirmedOnly { link += "&unconfirmed=1" }
        let values: [String: Any] = [
            "q": text, "batch": batch, "slotLabel": slotLabel ?? "", "unconfirmed": filter.unconfirmedOnly,
            "visitTabs": ([nil] + VisitType.allCases.map { Optional($0) }).map { type -> [String: Any] in
                ["label": type?.label ?? "すべて", "value": type?.rawValue ?? "", "current": type == visitType,
                 "href": "/ledger?visit=\(type?.rawValue ?? "")&stage=\(stage?.rawValue ?? "")"]
            },
            "stages": LedgerStage.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0 == stage] },
            "entries": entries.map(Self.row),
            "count": entries.count,
            "previous": page > 1 ? "\(link)&page=\(page - 1)" : "",
            "next": hasMore ? "\(link)&page=\(page + 1)" : "",
            "canWrite": context.identity?.has(.ledgerWrite) ?? false,
            "canExport": context.identity?.has(.exportRun) ?? false,
            "exportLink": link.replacingOccurrences(of: "/ledger?", with: "/ledger/export.csv?"),
        ]
        return try services.renderer.response("ledger", StaffPage.context(context, title: "カード管理簿", current: "/ledger", values))
    }

    static func row(_ e: LedgerEntry) -> [String: Any] {
        ["id": e.id, "applicationID": e.applicationID, "name": e.name, "kana": e.kana, "birthDate": e.birthDate.map(Self.wareki) ?? "",
         "stage": e.stage.label, "stageValue": e.stage.rawValue, "visitType": e.visitType.label, "batch": e.deliveryBatch,
         "place": e.storagePlace ?? "", "cardKind": e.cardKind.label, "changedAt": JapaneseDate.dateTime(e.stageChangedAt),
         "notifiedAt": e.notifiedAt.map(JapaneseDate.dateTime) ?? ""]
    }

    static func wareki(_ d: CalendarDate) -> String { JapaneseDate.wareki(year: d.year, month: d.month, day: d.day) }

    static func encoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    @Sendable func board(_ request: Request, context: AppRequestContext) async throws -> Response {
        let counts = try await services.ledger.board()
        let now = services.clock.now()
        let overdue = try await services.ledger.overdue(notifiedBefore: now.addingTimeInterval(-Double(services.configuration.ledgerOverdueDays) * 86400))
        let uninspected = try await services.ledger.uninspected(
            deliveredBefore: now.addingTimeInterval(-Double(services.configuration.ledgerUninspectedDays) * 86400))
        try await services.audit(context, action: "ledger.board.view", recordType: "ledger", detail: "overdue=\(overdue.count)")
        let stages = LedgerStage.allCases
        func total(_ filter: (LedgerBoardCount) -> Bool) -> Int { counts.filter(filter).reduce(0) { $0 + $1.count } }
        let byVisit = VisitType.allCases.map { type -> [String: Any] in
            ["label": type.label, "href": "/ledger?visit=\(type.rawValue)",
             "cells": stages.map { stage in ["count": total { $0.visitType == type && $0.stage == stage }, "href": "/ledger?visit=\(type.rawValue)&stage=\(stage.rawValue)"] },
             "total": total { $0.visitType == type }]
        }
        let batches = Array(Set(counts.map(\.batch))).sorted(by: >)
        let byBatch = batches.map { batch -> [String: Any] in
            ["label": batch.isEmpty ? "（納品分なし）" : batch, "href": "/ledger?batch=\(Self.encoded(batch))",
             "cells": stages.map { stage in ["count": total { $0.batch == batch && $0.stage == stage }] },
             "total": total { $0.batch == batch }]
        }
        let values: [String: Any] = [
            "stages": stages.map { stage in ["label": stage.label, "total": total { $0.stage == stage }, "href": "/ledger?stage=\(stage.rawValue)"] },
            "byVisit": byVisit, "byBatch": byBatch, "total": total { _ in true },
            "overdueDays": services.configuration.ledgerOverdueDays, "overdue": overdue.map(Self.row), "overdueCount": overdue.count,
            "uninspectedDays": services.configuration.ledgerUninspectedDays, "uninspected": uninspected.map(Self.row),
            "uninspectedCount": uninspected.count,
            "canWrite": context.identity?.has(.ledgerWrite) ?? false,
        ]
        return try services.renderer.response("ledger-board", StaffPage.context(context, title: "交付工程の進捗", current: "/ledger", values))
    }

    // MARK: one card

    func entry(_ context: AppRequestContext) async throws -> LedgerEntry {
        guard let id = Int64(context.parameters.get("id") ?? ""), let entry = try await services.ledger.find(id: id) else { throw AppError.notFound }
        return entry
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context: context, problems: [], status: .ok)
    }

    func page(_ request: Request, context: AppRequestContext, problems: [String], status: HTTPResponse.Status,
              cardForm: [String: String] = [:]) async throws -> Response {
        let entry = try await entry(context)
        try await services.audit(context, action: "ledger.view", recordType: "ledger_entry", recordID: entry.applicationID)
        let events = try await services.ledger.events(entryID: entry.id)
        let canRegistry = context.identity?.has(.registryView) ?? false
        let match = canRegistry ? try await services.registry.match(name: entry.name, kanaKey: entry.kana.replacingOccurrences(of: "\u{3000}", with: ""),
                                                                    birthDate: entry.birthDate, sex: entry.sex, address: entry.address) : nil
        let slots = try await services.storage.slots()
        let suggested = entry.storageSlotID == nil ? try await services.storage.suggestFree() : nil
        let bookings = try await services.bookings.forPerson(applicationID: entry.applicationID,
                                                             kanaKey: entry.kana.replacingOccurrences(of: "\u{3000}", with: ""), birthDate: entry.birthDate)
        var differences: [String] = []
        if !entry.cardAddress.isEmpty, !entry.address.isEmpty, !CardData.sameAddress(entry.cardAddress, entry.address) {
            differences.append("カードの住所（\(entry.cardAddress)）が管理簿の住所（\(entry.address)）と異なります。")
        }
        if let person = match?.person, !entry.cardAddress.isEmpty, !person.address.isEmpty, !CardData.sameAddress(entry.cardAddress, person.address) {
            differences.append("カードの住所が住基の住所（\(person.address)）と異なります。券面の追記が必要か確認してください。")
        }
        let flash = ["moved": "工程を更新しました。", "placed": "保管場所を変更しました。", "visit": "来庁区分を変更しました。",
                     "notes": "備考を保存しました。", "card": "カード情報を記録しました。"]
        var values: [String: Any] = ["entry": Self.details(entry)]
        values["moves"] = entry.allowedMoves.map { stage -> [String: Any] in
            ["value": stage.rawValue, "label": stage.label, "needsPlace": stage == .inspected && entry.storageSlotID == nil]
        }
        values["canMove"] = !entry.allowedMoves.isEmpty
        values["needsPlace"] = entry.allowedMoves.contains(.inspected) && entry.storageSlotID == nil
        values["slots"] = slots.map { slot -> [String: Any] in
            ["id": slot.id, "code": slot.code, "free": slot.capacity - slot.used, "full": slot.isFull && slot.id != entry.storageSlotID,
             "selected": slot.id == (entry.storageSlotID ?? suggested)]
        }
        values["suggested"] = slots.first { $0.id == suggested }?.code ?? ""
        values["isHeld"] = entry.stage.isHeld
        values["visitTypes"] = VisitType.allCases.map { type -> [String: Any] in
            ["value": type.rawValue, "label": type.label, "selected": type == entry.visitType]
        }
        values["events"] = events.map(Self.eventRow)
        values["canRegistry"] = canRegistry
        values["registry"] = match.map(Self.registryValues) ?? [:]
        values["differences"] = differences
        values["bookings"] = bookings.map(Self.bookingRow)
        let form: [String: String] = [
            "address": cardForm["address"] ?? (entry.cardAddress.isEmpty ? entry.address : entry.cardAddress),
            "cardExpiry": cardForm["cardExpiry"] ?? entry.cardExpiry?.description ?? "",
            "certificateExpiry": cardForm["certificateExpiry"] ?? entry.certificateExpiry?.description ?? "",
        ]
        values["cardForm"] = form
        values["errors"] = problems
        values["canWrite"] = context.identity?.has(.ledgerWrite) ?? false
        values["canApplicant"] = (context.identity?.has(.applicantsView) ?? false) && entry.applicantID != nil
        if let done = request.uri.queryParameters["done"].flatMap({ flash[String($0)] }) { values["flash"] = done }
        if let error = request.uri.queryParameters["error"] { values["error"] = String(error) }
        return try services.renderer.response("ledger-entry", StaffPage.context(context, title: "カード \(entry.applicationID)", current: "/ledger", values),
                                              status: status)
    }

    static func details(_ entry: LedgerEntry) -> [String: Any] {
        var row = Self.row(entry)
        row["sex"] = entry.sex.label
        row["address"] = entry.address
        row["deliveredOn"] = entry.deliveredOn.map(Self.wareki) ?? ""
        row["cardExpiry"] = entry.cardExpiry.map(Self.wareki) ?? ""
        row["certificateExpiry"] = entry.certificateExpiry.map(Self.wareki) ?? ""
        row["cardAddress"] = entry.cardAddress
        row["cardDataAt"] = entry.cardDataAt.map(JapaneseDate.dateTime) ?? ""
        row["cardDataSource"] = entry.cardDataSource == "reader" ? "カードリーダー" : (entry.cardDataSource == nil ? "" : "手入力")
        row["qrConfirmedAt"] = entry.qrConfirmedAt.map(JapaneseDate.dateTime) ?? ""
        row["notes"] = entry.notes
        row["version"] = entry.version
        let sources: [String: String] = ["file": "取込ファイル", "intake": "申請受付の本人確認", "default": "既定", "staff": "職員が変更"]
        row["visitTypeSource"] = sources[entry.visitTypeSource] ?? ""
        row["applicantID"] = entry.applicantID.map { String($0) } ?? ""
        row["handedOverAt"] = entry.handedOverAt.map(JapaneseDate.dateTime) ?? ""
        return row
    }

    static func eventRow(_ e: LedgerEvent) -> [String: Any] {
        let change = [e.fromStage?.label, e.toStage?.label].compactMap { $0 }.joined(separator: " → ")
        return ["at": JapaneseDate.dateTime(e.at), "kind": eventLabels[e.kind] ?? e.kind, "change": change,
                "place": e.storagePlace ?? "", "note": e.note, "staff": e.staffLogin ?? "—"]
    }

    static func registryValues(_ m: RegistryMatch) -> [String: Any] {
        var person: [String: Any] = [:]
        if let p = m.person {
            person = ["name": p.name, "kana": p.kana, "birthDate": wareki(p.birthDate), "sex": p.sex.label, "address": p.address,
                      "juki": p.jukiCard ? "有" : "無", "status": p.status.label]
        }
        return ["found": m.person != nil, "clean": m.isClean, "flags": m.flags, "hasFlags": !m.flags.isEmpty, "person": person]
    }

    static func bookingRow(_ b: Booking) -> [String: Any] {
        let time = String(JapaneseDate.dateTime(b.startsAt).suffix(5))
        return ["code": b.code, "id": b.id, "purpose": b.purpose.label, "when": "\(b.day) \(time)", "location": b.locationName,
                "status": b.status.label]
    }

    static let eventLabels = ["created": "登録", "imported": "取込", "stage": "工程", "place": "保管場所", "edited": "変更",
                              "card-data": "カード情報", "qr-confirmed": "QR確認"]

    /// Runs one change in a transaction with its audit entry; ledger refusals go back to the page as a message.
    func change(_ context: AppRequestContext, action: String, done: String,
                _ body: @Sendable (LedgerEntry, PostgresConnection) async throws -> String) async throws -> Response {
        let entry = try await entry(context)
        do {
            try await services.database.transaction { connection in
                let detail = try await body(entry, connection)
                try await services.auditLog.record(services.event(context, action: action, recordType: "ledger_entry", recordID: entry.applicationID,
                                                                  detail: detail), on: connection)
            }
        } catch let error as LedgerError {
            return Responses.redirect("/ledger/entries/\(entry.id)", error: error.message)
        } catch let invalid as InvalidInput {
            return Responses.redirect("/ledger/entries/\(entry.id)", error: invalid.problems.map(\.message).joined(separator: " "))
        }
        return Responses.redirect("/ledger/entries/\(entry.id)?done=\(done)")
    }

    static func note(_ form: FormData) throws -> String {
        let note = form.text("note")
        if IndividualNumber.appears(in: note) { throw InvalidInput([FieldProblem(field: "note", message: IndividualNumber.refusalMessage)]) }
        if note.unicodeScalars.count > 1000 { throw InvalidInput([FieldProblem(field: "note", message: "メモは1000文字以内で入力してください。")]) }
        return note
    }

    @Sendable func moveStage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        guard let stage = LedgerStage(rawValue: form.text("stage")) else { throw AppError.badRequest("stage") }
        let slotID = Int64(form.text("slot"))
        let version = Int(form.text("version"))
        let (services, clock) = (services, services.clock)
        return try await change(context, action: "ledger.stage", done: "moved") { entry, connection in
            let note = try Self.note(form)
            let moved = try await services.ledger.move(entryID: entry.id, to: stage, note: note, storageSlotID: slotID, expectedVersion: version,
                                                       staffUserID: context.identity?.userID, now: clock.now(), on: connection)
            return "\(entry.stage.rawValue)→\(stage.rawValue)\(moved.storagePlace.map { " place=\($0)" } ?? "")"
        }
    }

    @Sendable func movePlace(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let slotID = Int64(context.form.text("slot")) else { throw AppError.badRequest("slot") }
        let form = context.form
        let (services, clock) = (services, services.clock)
        return try await change(context, action: "ledger.place", done: "placed") { entry, connection in
            let moved = try await services.ledger.place(entryID: entry.id, in: slotID, note: try Self.note(form), staffUserID: context.identity?.userID,
                                                        now: clock.now(), on: connection)
            return "\(entry.storagePlace ?? "-")→\(moved.storagePlace ?? "-")"
        }
    }

    @Sendable func setVisitType(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let type = VisitType(rawValue: context.form.text("visit_type")) else { throw AppError.badRequest("visit_type") }
        let (services, clock) = (services, services.clock)
        return try await change(context, action: "ledger.visit-type", done: "visit") { entry, connection in
            try await services.ledger.setVisitType(entryID: entry.id, type, staffUserID: context.identity?.userID, now: clock.now(), on: connection)
            return "\(entry.visitType.rawValue)→\(type.rawValue)"
        }
    }

    @Sendable func setNotes(_ request: Request, context: AppRequestContext) async throws -> Response {
        let notes = context.form.text("notes")
        let (services, clock) = (services, services.clock)
        return try await change(context, action: "ledger.notes", done: "notes") { entry, connection in
            if IndividualNumber.appears(in: notes) { throw InvalidInput([FieldProblem(field: "notes", message: IndividualNumber.refusalMessage)]) }
            if notes.count > 2000 { throw InvalidInput([FieldProblem(field: "notes", message: "備考は2000文字以内で入力してください。")]) }
            try await services.ledger.setNotes(entryID: entry.id, notes, staffUserID: context.identity?.userID, now: clock.now(), on: connection)
            return "notes"
        }
    }

    /// Card data typed by staff from the card (C7); the reader helper uses the API instead.
    @Sendable func cardData(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let data = CardData(address: form.text("address"), cardExpiry: form.text("cardExpiry"), certificateExpiry: form.text("certificateExpiry"))
        switch data.validated(today: CalendarDate(services.clock.now())) {
        case .failure(let invalid):
            return try await page(request, context: context, problems: invalid.problems.map(\.message), status: .unprocessableContent,
                                  cardForm: ["address": data.address, "cardExpiry": data.cardExpiry, "certificateExpiry": data.certificateExpiry])
        case .success(let checked):
            let (services, clock) = (services, services.clock)
            return try await change(context, action: "ledger.card-data", done: "card") { entry, connection in
                _ = try await services.ledger.recordCardData(entryID: entry.id, checked, source: "staff", staffUserID: context.identity?.userID,
                                                             now: clock.now(), on: connection)
                return "source=staff"
            }
        }
    }

    // MARK: PDFs (C8)

    func printContext(_ context: AppRequestContext) -> PrintContext {
        let now = services.clock.now()
        return PrintContext(cityName: services.configuration.cityName, officeName: services.configuration.officeName,
                            printedAt: "\(JapaneseDate.wareki(now)) \(JapaneseDate.dateTime(now).suffix(5))",
                            staffName: context.identity?.displayName ?? "")
    }

    static func pdf(_ data: Data, filename: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] = "inline; filename=\"\(filename)\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func checklist(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        let data = try HandoverChecklist.render(card: entry, context: printContext(context))
        try await services.audit(context, action: "ledger.checklist.export", recordType: "ledger_entry", recordID: entry.applicationID)
        return Self.pdf(data, filename: "checklist-\(entry.applicationID).pdf")
    }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        let data = try Receipt.render(card: entry, context: printContext(context))
        try await services.audit(context, action: "ledger.receipt.export", recordType: "ledger_entry", recordID: entry.applicationID)
        return Self.pdf(data, filename: "receipt-\(entry.applicationID).pdf")
    }

    /// The day's handovers: every pickup booking of the day (at one location, or all) that the
    /// ledger has a card for, in appointment order, as one printable checklist.
    @Sendable func handovers(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let day = query["date"].flatMap { CalendarDate(String($0)) } ?? CalendarDate(services.clock.now())
        let locationID = query["location"].flatMap { Int64(String($0)) }
        let entries = try await services.ledger.handovers(on: day, locationID: locationID)
        let data = try HandoverBatch.render(cards: entries, day: Self.wareki(day), context: printContext(context))
        try await services.audit(context, action: "ledger.handovers.export", recordType: "ledger", recordID: day.description,
                                 detail: "件数=\(entries.count)")
        return Self.pdf(data, filename: "handovers-\(day).pdf")
    }
}
