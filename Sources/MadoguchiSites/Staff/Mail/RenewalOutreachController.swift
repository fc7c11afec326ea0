import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiReports
import MadoguchiServices

/// Renewal outreach (#16): cards or certificates running out in a window, counts per month, the
/// list, its CSV for Excel (UTF-8 with BOM, CP932 on request), and the invitation mail merge.
struct RenewalOutreachController {
    let outreach: OutreachDesk
    let renderer: PageRenderer
    let clock: any TimeSource

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/ledger/renewals", .permission(.ledgerView), use: overview)
            .get("/ledger/renewals.csv", .permission(.exportRun), use: export)
            // A mail to many residents at once is the sending of a notice: supervisors and administrators.
            .post("/ledger/renewals/invite", .permission(.noticesManage), use: invite)
    }

    struct Month: PageModel {
        let month: String
        let count: Int
        /// Bar length in percent of the busiest month.
        let percent: Int
    }

    struct Row: PageModel {
        let applicationId: String
        let ledgerId: Int64
        let name: String
        let kana: String
        let expiry: String
        let canMail: Bool
    }

    struct Page: PageModel {
        let bases: [Choice]
        let from: String
        let through: String
        let basis: String
        let months: [Month]
        let total: Int
        let shown: Int
        let withAddress: Int
        let rows: [Row]
        let errors: [String]
        let query: String
        let canExport: Bool
        let canInvite: Bool
        /// For the ledger menu.
        let canWrite: Bool
    }

    func window(_ values: (String) -> String) throws -> OutreachDesk.Window {
        try OutreachDesk.Window.parse(basis: values("basis"), from: values("from"), through: values("through"), today: CalendarDate(clock.now()))
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let value: (String) -> String = { q[Substring($0)].map(String.init) ?? "" }
        let window: OutreachDesk.Window
        do { window = try self.window(value) } catch let invalid as InvalidInput {
            let fallback = try self.window { _ in "" }
            return try await page(request, context, fallback, errors: invalid.problems.map(\.message), status: .unprocessableContent)
        }
        return try await page(request, context, window, errors: [], status: .ok)
    }

    func page(_ request: Request, _ context: AppRequestContext, _ window: OutreachDesk.Window, errors: [String],
              status: HTTPResponse.Status) async throws -> Response {
        let found = try await outreach.overview(window, caller: context.caller)
        let busiest = max(found.months.map(\.count).max() ?? 1, 1)
        let model = Page(
            bases: RenewalBasis.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == window.basis) },
            from: window.from.description, through: window.through.description, basis: window.basis.rawValue,
            months: found.months.map { Month(month: Self.monthLabel($0.month), count: $0.count, percent: $0.count * 100 / busiest) },
            total: found.total, shown: found.rows.count, withAddress: found.withAddress,
            rows: found.rows.map {
                Row(applicationId: $0.entry.applicationID, ledgerId: $0.entry.id, name: $0.entry.name, kana: $0.entry.kana,
                    expiry: $0.expiry.map { JapaneseDate.wareki(year: $0.year, month: $0.month, day: $0.day) } ?? "", canMail: $0.canMail)
            },
            errors: errors, query: "basis=\(window.basis.rawValue)&from=\(window.from)&through=\(window.through)",
            canExport: context.caller.has(.exportRun), canInvite: context.caller.has(.noticesManage), canWrite: context.caller.has(.ledgerWrite))
        return try renderer.staff("ledger-renewals", context, title: "更新のご案内", current: "/ledger", messages: PageMessages(request), model,
                                  status: status)
    }

    /// `2026-03` → 令和8年3月.
    static func monthLabel(_ month: String) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return month }
        return String(JapaneseDate.wareki(year: parts[0], month: parts[1], day: 1).prefix { $0 != "月" }) + "月"
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let window: OutreachDesk.Window
        do { window = try self.window { q[Substring($0)].map(String.init) ?? "" } } catch let invalid as InvalidInput {
            throw AppError.badRequest(invalid.problems.map(\.message).joined(separator: " "))
        }
        let encoding = q["encoding"].flatMap { TextEncoding(rawValue: String($0)) } ?? .utf8
        let substitute = q["substitute"] == "1"
        return Responses.csv(try await outreach.export(window, encoding: encoding, substitute: substitute, caller: context.caller),
                             encoding: encoding, substitute: substitute)
    }

    @Sendable func invite(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let window: OutreachDesk.Window
        do { window = try self.window { form.text($0) } } catch let invalid as InvalidInput {
            return Responses.redirect("/ledger/renewals", error: invalid.problems.map(\.message).joined(separator: " "))
        }
        let result = try await outreach.invite(window, caller: context.caller)
        let back = "/ledger/renewals?basis=\(window.basis.rawValue)&from=\(window.from)&through=\(window.through)"
        return Responses.redirect(back, flash: "案内メールを\(result.queued)件送信予約しました（送信済みのため除外 \(result.alreadyInvited)件、メール登録なし \(result.withoutAddress)件は郵送等でご案内ください）。")
    }
}
