import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The counter's record of who may be mailed about their card (#16): staff add an address for
/// an application with the person's agreement, see the newest agreements, and withdraw one.
struct ContactConsentsController {
    let contacts: ContactDesk
    let renderer: PageRenderer

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/ledger/contacts", .permission(.ledgerView), use: list)
            .post("/ledger/contacts", .permission(.ledgerWrite), use: record)
            .post("/ledger/contacts/:id/withdraw", .permission(.ledgerWrite), use: withdraw)
    }

    struct Row: PageModel {
        let id: Int64
        let applicationId: String
        let email: String
        let source: String
        let consentedAt: String
        let state: String
        let inForce: Bool
    }

    struct Page: PageModel {
        let consents: [Row]
        let canWrite: Bool
        let errors: [String]
        let applicationId: String
        let email: String
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context, errors: [], status: .ok)
    }

    func page(_ request: Request, _ context: AppRequestContext, errors: [String], status: HTTPResponse.Status) async throws -> Response {
        let rows = try await contacts.recent(caller: context.caller).map { c in
            Row(id: c.id, applicationId: c.applicationID, email: c.email, source: c.source.label, consentedAt: JapaneseDate.dateTime(c.consentedAt),
                state: c.withdrawnAt.map { "停止（\(c.withdrawnBy?.label ?? "")、\(JapaneseDate.dateTime($0))）" } ?? "有効", inForce: c.inForce)
        }
        let form = context.form
        let model = Page(consents: rows, canWrite: context.caller.has(.ledgerWrite), errors: errors,
                         applicationId: errors.isEmpty ? "" : form.text("applicationId"), email: errors.isEmpty ? "" : form.text("email"))
        return try renderer.staff("ledger-contacts", context, title: "メール連絡先（交付・更新のお知らせ）", current: "/ledger",
                                  messages: PageMessages(request), model, status: status)
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        do {
            try await contacts.record(applicationID: form.text("applicationId"), email: form.text("email"), agreed: form.text("agreed") == "1",
                                      caller: context.caller)
        } catch let invalid as InvalidInput {
            return try await page(request, context, errors: invalid.problems.map(\.message), status: .unprocessableContent)
        }
        return Responses.redirect("/ledger/contacts", flash: "メール連絡先を登録しました。カードが交付通知済になるとお知らせが送られます。")
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Int64.self)
        guard try await contacts.withdraw(id: id, caller: context.caller) else {
            return Responses.redirect("/ledger/contacts", error: "この連絡先はすでに停止されています。")
        }
        return Responses.redirect("/ledger/contacts", flash: "メールでのお知らせを停止しました。")
    }
}
