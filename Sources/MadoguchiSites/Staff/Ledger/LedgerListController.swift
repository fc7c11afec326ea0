import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiReports
import MadoguchiServices

/// The ledger's work lists (C1, C4, C6, C9) by visit type, stage, batch and place, the progress
/// board with its overdue lists, the list's CSV, and the day's handover checklist.
struct LedgerListController {
    let ledger: LedgerDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/ledger", .permission(.ledgerView), use: list)
            .get("/ledger/board", .permission(.ledgerView), use: board)
            .get("/ledger/export.csv", .permission(.exportRun), use: export)
            .get("/ledger/handovers.pdf", .permission(.ledgerView), use: handovers)
    }

    /// The list's conditions from the query string (the list page and its CSV share them).
    static func filter(_ request: Request) -> LedgerFilter {
        let query = request.uri.queryParameters
        return LedgerFilter(text: query["q"].map(String.init) ?? "", stage: query["stage"].flatMap { LedgerStage(rawValue: String($0)) },
                            visitType: query["visit"].flatMap { VisitType(rawValue: String($0)) }, batch: query["batch"].map(String.init) ?? "",
                            storageSlotID: query["slot"].flatMap { Int64(String($0)) }, unconfirmedOnly: query["unconfirmed"] == "1")
    }

    static func encoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        // Bounded: a page number from the address bar must not overflow the offset.
        let page = min(max(1, request.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 1), 100_000)
        var filter = Self.filter(request)
        filter.limit = 101
        filter.offset = (page - 1) * 100
        var entries = try await ledger.list(filter, caller: context.caller)
        let hasMore = entries.count > 100
        entries = Array(entries.prefix(100))
        let slotLabel = filter.storageSlotID == nil ? "" : try await ledger.places().first { $0.id == filter.storageSlotID }?.code ?? ""
        var link = "/ledger?q=\(Self.encoded(filter.text))&stage=\(filter.stage?.rawValue ?? "")&visit=\(filter.visitType?.rawValue ?? "")&batch=\(Self.encoded(filter.batch ?? ""))"
        if let slotID = filter.storageSlotID { link += "&slot=\(slotID)" }
        if filter.unconfirmedOnly { link += "&unconfirmed=1" }
        let model = LedgerModels.List(
            q: filter.text, batch: filter.batch ?? "", slotLabel: slotLabel, unconfirmed: filter.unconfirmedOnly,
            visitTabs: ([nil] + VisitType.allCases.map { Optional($0) }).map { type in
                .init(label: type?.label ?? "すべて", href: "/ledger?visit=\(type?.rawValue ?? "")&stage=\(filter.stage?.rawValue ?? "")",
                      current: type == filter.visitType)
            },
            stages: LedgerStage.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == filter.stage) },
            entries: entries.map(LedgerModels.Row.init), previous: page > 1 ? "\(link)&page=\(page - 1)" : "",
            next: hasMore ? "\(link)&page=\(page + 1)" : "", canWrite: context.caller.has(.ledgerWrite), canExport: context.caller.has(.exportRun),
            exportLink: link.replacingOccurrences(of: "/ledger?", with: "/ledger/export.csv?"))
        return try renderer.staff("ledger", context, title: "カード管理簿", current: "/ledger", model)
    }

    @Sendable func board(_ request: Request, context: AppRequestContext) async throws -> Response {
        let board = try await ledger.board(caller: context.caller)
        let counts = board.counts, stages = LedgerStage.allCases
        func total(_ filter: (LedgerBoardCount) -> Bool) -> Int { counts.filter(filter).reduce(0) { $0 + $1.count } }
        let byVisit = VisitType.allCases.map { type in
            LedgerModels.BoardRow(label: type.label, href: "/ledger?visit=\(type.rawValue)",
                                  cells: stages.map { stage in .init(count: total { $0.visitType == type && $0.stage == stage },
                                                                     href: "/ledger?visit=\(type.rawValue)&stage=\(stage.rawValue)") },
                                  total: total { $0.visitType == type })
        }
        let byBatch = Array(Set(counts.map(\.batch))).sorted(by: >).map { batch in
            LedgerModels.BoardRow(label: batch.isEmpty ? "（納品分なし）" : batch, href: "/ledger?batch=\(Self.encoded(batch))",
                                  cells: stages.map { stage in .init(count: total { $0.batch == batch && $0.stage == stage }) },
                                  total: total { $0.batch == batch })
        }
        let model = LedgerModels.Board(
            stages: stages.map { stage in .init(label: stage.label, total: total { $0.stage == stage }, href: "/ledger?stage=\(stage.rawValue)") },
            byVisit: byVisit, byBatch: byBatch, total: total { _ in true }, overdueDays: board.overdueDays,
            overdue: board.overdue.map(LedgerModels.Row.init), overdueCount: board.overdue.count, uninspectedDays: board.uninspectedDays,
            uninspected: board.uninspected.map(LedgerModels.Row.init), uninspectedCount: board.uninspected.count,
            canWrite: context.caller.has(.ledgerWrite))
        return try renderer.staff("ledger-board", context, title: "交付工程の進捗", current: "/ledger", model)
    }

    /// Every card matching the list's conditions as CSV for Excel (UTF-8 with BOM, or CP932).
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.caller.has(.ledgerView) else { throw AppError.forbidden }
        let q = request.uri.queryParameters
        let encoding = q["encoding"].flatMap { TextEncoding(rawValue: String($0)) } ?? .utf8
        let substitute = q["substitute"] == "1"
        let export = try await ledger.export(Self.filter(request), encoding: encoding, substitute: substitute, caller: context.caller)
        return Responses.csv(export, encoding: encoding, substitute: substitute)
    }

    /// The day's handovers as one printable checklist.
    @Sendable func handovers(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let day = query["date"].flatMap { CalendarDate(String($0)) } ?? CalendarDate(clock.now())
        let data = try await ledger.handovers(on: day, locationID: query["location"].flatMap { Int64(String($0)) }, caller: context.caller)
        return Responses.pdf(data, filename: "handovers-\(day).pdf")
    }
}
