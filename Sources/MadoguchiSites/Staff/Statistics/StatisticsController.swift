import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiReports
import MadoguchiServices

/// Totals by day, week, month, fiscal and calendar year with server-drawn SVG charts (D1), and
/// multi-condition extracts to CSV for Excel, UTF-8 with BOM or Shift_JIS (CP932), streamed (D2).
struct StatisticsController {
    let statistics: StatisticsDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/statistics", .permission(.statisticsView), use: totals)
            .get("/statistics/extract", .permission(.exportRun), use: extractForm)
            .get("/statistics/extract.csv", .permission(.exportRun), use: export)
    }

    struct Row: PageModel {
        let label: String
        let start: String
        let values: [Int64]
    }

    struct Section: PageModel {
        let title: String
        let columns: [String]
        let rows: [Row]
        let totals: [Int64]
        let chart: String
        let hasRows: Bool
        let note: String
    }

    struct LocationTotal: PageModel {
        let name: String
        let booked: Int64
        let checkedIn: Int64
        let noShow: Int64
    }

    struct Totals: PageModel {
        let periods: [Choice]
        let from: String
        let to: String
        let locations: [BookingsModels.Place]
        let sections: [Section]
        let byLocation: [LocationTotal]
        let canExport: Bool
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
        let (defaultFrom, defaultTo) = Self.defaultRange(period, today: CalendarDate(clock.now()))
        let from = query["from"].flatMap { CalendarDate(String($0)) } ?? defaultFrom
        let through = query["to"].flatMap { CalendarDate(String($0)) } ?? defaultTo
        let locationID = query["location"].flatMap { Int64(String($0)) }
        guard from <= through, through <= from.adding(days: 366 * 20)! else { throw AppError.badRequest("期間の指定が正しくありません。") }
        let sections = try await statistics.totals(period: period, from: from, through: through, locationID: locationID).map { kind, table in
            let chart = BarChart(title: "\(kind.label) \(table.columns[0])（\(period.label)）",
                                 bars: table.rows.map { .init(label: period.shortLabel(start: $0.start), value: Double($0.values[0])) })
            return Section(title: kind.label, columns: table.columns,
                           rows: table.rows.map { .init(label: period.label(start: $0.start), start: $0.start.description, values: $0.values) },
                           totals: table.totals, chart: table.rows.isEmpty ? "" : chart.svg, hasRows: !table.rows.isEmpty,
                           note: kind == .documents ? "書類は庁舎・窓口を問わず集計します。" : (kind == .ledger ? "カードの工程は庁舎・窓口を問わず、工程を進めた日で集計します。" : ""))
        }
        let model = Totals(
            periods: StatisticsPeriod.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == period) },
            from: from.description, to: through.description,
            locations: try await statistics.locations().map { .init(id: $0.id, name: $0.name, selected: $0.id == locationID) }, sections: sections,
            byLocation: try await statistics.bookingsByLocation(from: from, through: through).map { .init(name: $0.0, booked: $0.1, checkedIn: $0.2, noShow: $0.3) },
            canExport: context.caller.has(.exportRun))
        return try renderer.staff("statistics", context, title: "集計・統計", current: "/statistics", model)
    }

    // MARK: extracts

    /// The extract the query string describes, or the problems with it.
    static func extract(_ request: Request) -> (Extract, [String]) {
        let q = request.uri.queryParameters
        func text(_ name: String) -> String? {
            guard let raw = q[Substring(name)] else { return nil }
            let value = String(raw).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        var problems: [String] = []
        let dataset = text("dataset").flatMap(Extract.Dataset.init(rawValue:)) ?? .bookings
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
        var extract = Extract(dataset: dataset, from: date("from", "開始日"), through: date("to", "終了日"), locationID: text("location").flatMap { Int64($0) },
                              purpose: text("purpose").flatMap(BookingPurpose.init(rawValue:)), status: text("status").flatMap(BookingStatus.init(rawValue:)),
                              ageMin: int("ageMin", "年齢（下限）", 0...130), ageMax: int("ageMax", "年齢（上限）", 0...130))
        if let channel = text("channel") {
            let valid = dataset == .bookings ? BookingChannel.allCases.map(\.rawValue) : IntakeChannel.allCases.map(\.rawValue)
            if valid.contains(channel) { extract.channel = channel } else { problems.append("受付方法の値が正しくありません。") }
        }
        if let from = extract.from, let through = extract.through, from > through { problems.append("開始日は終了日以前にしてください。") }
        return (extract, problems)
    }

    struct Preview: PageModel {
        let count: Int64
        let columns: String
    }

    struct ExtractPage: PageModel {
        let datasets: [Choice]
        let from: String
        let to: String
        let locations: [BookingsModels.Place]
        let purposes: [Choice]
        let statuses: [Choice]
        let channels: [Choice]
        let ageMin: String
        let ageMax: String
        let cp932: Bool
        let substitute: Bool
        let errors: [String]
        let query: String
        let preview: Preview?
        let unencodable: [String]
    }

    @Sendable func extractForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (extract, problems) = Self.extract(request)
        let q = request.uri.queryParameters
        let encoding = q["encoding"].flatMap { TextEncoding(rawValue: String($0)) } ?? .utf8
        var preview: Preview?
        var unencodable: [String] = []
        if q["preview"] != nil, problems.isEmpty {
            let result = try await statistics.preview(extract, encoding: encoding, caller: context.caller)
            preview = .init(count: result.count, columns: extract.columns.joined(separator: "、"))
            unencodable = result.unencodable.map(\.description)
        }
        let model = ExtractPage(
            datasets: Extract.Dataset.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == extract.dataset) },
            from: extract.from?.description ?? "", to: extract.through?.description ?? "",
            locations: try await statistics.locations().map { .init(id: $0.id, name: $0.name, selected: $0.id == extract.locationID) },
            purposes: BookingPurpose.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == extract.purpose) },
            statuses: BookingStatus.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == extract.status) },
            channels: BookingChannel.allCases.map { Choice(value: $0.rawValue, label: "予約: " + $0.label, selected: $0.rawValue == extract.channel) }
                + IntakeChannel.allCases.filter { $0 != .counter }.map { Choice(value: $0.rawValue, label: "受付: " + $0.label, selected: $0.rawValue == extract.channel) },
            ageMin: extract.ageMin.map(String.init) ?? "", ageMax: extract.ageMax.map(String.init) ?? "", cp932: encoding == .cp932,
            substitute: q["substitute"] == "1", errors: problems, query: request.uri.query ?? "", preview: preview, unencodable: unencodable)
        return try renderer.staff("extract", context, title: "条件抽出・CSV出力", current: "/statistics", model,
                                  status: problems.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (extract, problems) = Self.extract(request)
        guard problems.isEmpty else { throw AppError.badRequest(problems.joined(separator: " ")) }
        let q = request.uri.queryParameters
        let encoding = q["encoding"].flatMap { TextEncoding(rawValue: String($0)) } ?? .utf8
        let substitute = q["substitute"] == "1"
        return Responses.csv(try await statistics.export(extract, encoding: encoding, substitute: substitute, caller: context.caller),
                             encoding: encoding, substitute: substitute)
    }
}
