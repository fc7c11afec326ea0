import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiReports

/// Totals by day, week, month, fiscal and calendar year with server-drawn SVG charts (D1), and
/// multi-condition extracts to CSV for Excel, UTF-8 with BOM or Shift_JIS (CP932), streamed (D2).
struct StatisticsController {
    let services: SiteServices
    var store: StatisticsStore { StatisticsStore(database: services.database) }

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/statistics", .permission(.statisticsView), use: totals)
            .get("/statistics/extract", .permission(.exportRun), use: extractForm)
            .get("/statistics/extract.csv", .permission(.exportRun), use: export)
    }

    /// The default range for a grouping: enough periods to see a trend.
    static func defaultRange(_ period: StatisticsPeriod, today: CalendarDate) -> (CalendarDate, CalendarDate) {
        let start: CalendarDate
        switch period {
        case .day: start = today.adding(days: -30)!
        case .week: start = period.start(of: today.adding(days: -7 * 11)!)
        case .month: start = CalendarDate(year: today.month == 12 ? today.year : today.year - 1, month: today.month % 12 + 1, day: 1)!
        case .fiscalYear: start = CalendarDate(year: period.start(of: today).year - 4, month: 4, day: 1)!
        case .year: start = CalendarDate(year: today.year - 4, month: 1, day: 1)!
        }
        return (start, today)
    }

    @Sendable func totals(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let period = query["period"].flatMap { StatisticsPeriod(rawValue: String($0)) } ?? .month
        let today = CalendarDate(services.clock.now())
        let (defaultFrom, defaultTo) = Self.defaultRange(period, today: today)
        let from = query["from"].flatMap { CalendarDate(String($0)) } ?? defaultFrom
        let through = query["to"].flatMap { CalendarDate(String($0)) } ?? defaultTo
        let locationID = query["location"].flatMap { Int64(String($0)) }
        guard from <= through, through <= from.adding(days: 366 * 20)! else { throw AppError.badRequest("期間の指定が正しくありません。") }
        var sections: [[String: Any]] = []
        for kind in StatisticsKind.allCases {
            let table = try await store.totals(kind, period: period, from: from, through: through, locationID: locationID)
            let chart = BarChart(title: "\(kind.label) \(table.columns[0])（\(period.label)）",
                                 bars: table.rows.map { .init(label: period.shortLabel(start: $0.start), value: Double($0.values[0])) })
            sections.append([
                "title": kind.label, "columns": table.columns,
                "rows": table.rows.map { ["label": period.label(start: $0.start), "start": $0.start.description, "values": $0.values] },
                "totals": table.totals, "chart": table.rows.isEmpty ? "" : chart.svg, "hasRows": !table.rows.isEmpty,
                "note": kind == .documents ? "書類は庁舎・窓口を問わず集計します。" : (kind == .ledger ? "カードの工程は庁舎・窓口を問わず、工程を進めた日で集計します。" : ""),
            ])
        }
        let locations = try await services.slots.locations()
        let values: [String: Any] = [
            "periods": StatisticsPeriod.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0 == period] },
            "from": from.description, "to": through.description,
            "locations": locations.map { ["id": $0.id, "name": $0.name, "selected": $0.id == locationID] },
            "sections": sections,
            "byLocation": try await store.bookingsByLocation(from: from, through: through).map {
                ["name": $0.0, "booked": $0.1, "checkedIn": $0.2, "noShow": $0.3]
            },
            "canExport": context.identity?.has(.exportRun) ?? false,
        ]
        return try services.renderer.response("statistics", StaffPage.context(context, title: "集計・統計", current: "/statistics", values))
    }

    // MARK: extracts

    /// The extract the query string describes, or the problems with it.
    static func extract(_ request: Request) -> (ExtractQuery, [String]) {
        let q = request.uri.queryParameters
        func text(_ name: String) -> String? {
            guard let raw = q[Substring(name)] else { return nil }
            let value = String(raw).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        var problems: [String] = []
        let dataset = text("dataset").flatMap(ExtractQuery.Dataset.init(rawValue:)) ?? .bookings
        func date(_ name: String, _ label: String) -> CalendarDate? {
            guard let value = text(name) else { return nil }
            if let date = CalendarDate(value) { return date }
            problems.append("\(label)を YYYY-MM-DD で入力してください。")
            return nil
        }
        func int(_ name: String, _ label: String, _ range: ClosedRange<Int>) -> Int? {
            guard let value = text(name) else { return nil }
            if let number = Int(value), range.contains(number) { return number }
            problems.append("\(label)は\(range.lowerBound)〜\(range.upperBound)の数で入力してください。")
            return nil
        }
        var extract = ExtractQuery(dataset: dataset, from: date("from", "開始日"), through: date("to", "終了日"),
                                   locationID: text("location").flatMap { Int64($0) },
                                   purpose: text("purpose").flatMap(BookingPurpose.init(rawValue:)),
                                   status: text("status").flatMap(BookingStatus.init(rawValue:)),
                                   ageMin: int("ageMin", "年齢（下限）", 0...130), ageMax: int("ageMax", "年齢（上限）", 0...130))
        if let channel = text("channel") {
            let valid = dataset == .bookings ? BookingChannel.allCases.map(\.rawValue) : IntakeChannel.allCases.map(\.rawValue)
            if valid.contains(channel) { extract.channel = channel } else { problems.append("受付方法の値が正しくありません。") }
        }
        if let from = extract.from, let through = extract.through, from > through { problems.append("開始日は終了日以前にしてください。") }
        return (extract, problems)
    }

    @Sendable func extractForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (extract, problems) = Self.extract(request)
        let q = request.uri.queryParameters
        let encoding = q["encoding"].flatMap { TextEncoding(rawValue: String($0)) } ?? .utf8
        var values: [String: Any] = [
            "datasets": ExtractQuery.Dataset.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0 == extract.dataset] },
            "from": extract.from?.description ?? "", "to": extract.through?.description ?? "",
            "locations": try await services.slots.locations().map { ["id": $0.id, "name": $0.name, "selected": $0.id == extract.locationID] },
            "purposes": BookingPurpose.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0 == extract.purpose] },
            "statuses": BookingStatus.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0 == extract.status] },
            "channels": BookingChannel.allCases.map { ["value": $0.rawValue, "label": "予約: " + $0.label, "selected": $0.rawValue == extract.channel] }
                + IntakeChannel.allCases.filter { $0 != .counter }.map { ["value": $0.rawValue, "label": "受付: " + $0.label, "selected": $0.rawValue == extract.channel] },
            "ageMin": extract.ageMin.map(String.init) ?? "", "ageMax": extract.ageMax.map(String.init) ?? "",
            "cp932": encoding == .cp932, "substitute": q["substitute"] == "1",
            "errors": problems, "query": request.uri.query ?? "",
        ]
        if q["preview"] != nil, problems.isEmpty {
            let count = try await extract.count(on: services.database)
            values["preview"] = ["count": count, "columns": extract.columns.joined(separator: "、")]
            if encoding == .cp932 {
                let unencodable = try await Self.unencodable(extract, database: services.database, limit: 20)
                values["unencodable"] = unencodable.map(\.description)
            }
            try await services.audit(context, action: "export.preview", recordType: "extract", detail: extract.summary + " count=\(count)")
        }
        return try services.renderer.response("extract", StaffPage.context(context, title: "条件抽出・CSV出力", current: "/statistics", values),
                                              status: problems.isEmpty ? .ok : .unprocessableContent)
    }

    /// The characters of an extract that CP932 cannot hold (first `limit`), found by a pass over
    /// the rows before anything is sent.
    static func unencodable(_ extract: ExtractQuery, database: Database, limit: Int) async throws -> [UnencodableCharacter] {
        let writer = CSVExport(encoding: .cp932, columns: extract.columns, substitute: true)
        try await extract.rows(on: database) { cells in
            if writer.substituted.count < limit { _ = try writer.line(cells) }
        }
        return Array(writer.substituted.prefix(limit))
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (extract, problems) = Self.extract(request)
        guard problems.isEmpty else { throw AppError.badRequest(problems.joined(separator: " ")) }
        let q = request.uri.queryParameters
        let encoding = q["encoding"].flatMap { TextEncoding(rawValue: String($0)) } ?? .utf8
        let substitute = q["substitute"] == "1"
        if encoding == .cp932, !substitute {
            let unencodable = try await Self.unencodable(extract, database: services.database, limit: 20)
            if !unencodable.isEmpty {
                throw AppError.refused(status: .unprocessableContent, slug: "unencodable-character",
                                       message: unencodable.map(\.description).joined(separator: " / ")
                                           + "。UTF-8 で出力するか、「〓で置き換える」を選んでください。")
            }
        }
        try await services.audit(context, action: "\(extract.dataset.rawValue).export", recordType: "extract",
                                 detail: extract.summary + " encoding=\(encoding.rawValue)")
        let database = services.database
        let stamp = CalendarDate(services.clock.now()).description.replacingOccurrences(of: "-", with: "")
        return Responses.csv(filename: "\(extract.dataset.rawValue)-\(stamp).csv", encoding: encoding, columns: extract.columns,
                             substitute: substitute) { emit in
            try await extract.rows(on: database) { cells in try await emit(cells) }
        }
    }
}
