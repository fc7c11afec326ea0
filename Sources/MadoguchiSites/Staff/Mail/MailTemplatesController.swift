import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Administrators' wording of the mails to residents (#16): a list, an editor with a preview of
/// the whole mail for a sample booking, save and back-to-standard.
struct MailTemplatesController {
    let templates: MailTemplateDesk
    let renderer: PageRenderer

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/admin/mail-templates", .permission(.noticesManage), use: list)
            .get("/admin/mail-templates/:kind/:language", .permission(.noticesManage), use: edit)
            .post("/admin/mail-templates/:kind/:language", .permission(.noticesManage), use: submit)
            .post("/admin/mail-templates/:kind/:language/reset", .permission(.noticesManage), use: reset)
    }

    struct Row: PageModel {
        let kind: String
        let language: String
        let label: String
        let languageLabel: String
        let subject: String
        let edited: String
    }

    struct Editor: PageModel {
        let kind: String
        let language: String
        let label: String
        let languageLabel: String
        let subject: String
        let lead: String
        let placeholders: String
        let errors: [String]
        let previewSubject: String
        let previewBody: String
    }

    static func languageLabel(_ language: BookingLanguage) -> String { language == .en ? "英語" : "日本語" }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let rows = try await templates.list().map {
            Row(kind: $0.kind.rawValue, language: $0.language.rawValue, label: $0.kind.label, languageLabel: Self.languageLabel($0.language),
                subject: $0.wording.subject, edited: $0.editedAt.map { "変更 " + JapaneseDate.dateTime($0) } ?? "標準の文面")
        }
        return try renderer.staff("mail-templates", context, title: "メールの文面", current: "/admin/mail-templates", messages: PageMessages(request),
                                  ListPage(rows: rows))
    }

    struct ListPage: PageModel {
        let rows: [Row]
    }

    func target(_ context: AppRequestContext) throws -> (OutgoingMail.Kind, BookingLanguage) {
        guard let kind = context.parameters.get("kind").flatMap(OutgoingMail.Kind.init(rawValue:)),
              let language = context.parameters.get("language").flatMap(BookingLanguage.init(rawValue:)),
              MailWording.isEditable(kind, language) else { throw AppError.notFound }
        return (kind, language)
    }

    func editor(_ context: AppRequestContext, _ kind: OutgoingMail.Kind, _ language: BookingLanguage, _ wording: MailWording, errors: [String] = [],
                preview: OutgoingMail? = nil, status: HTTPResponse.Status = .ok, request: Request) throws -> Response {
        let model = Editor(kind: kind.rawValue, language: language.rawValue, label: kind.label, languageLabel: Self.languageLabel(language),
                           subject: wording.subject, lead: wording.lead, placeholders: MailWording.placeholders(kind).joined(separator: " "),
                           errors: errors, previewSubject: preview?.subject ?? "", previewBody: preview?.body ?? "")
        return try renderer.staff("mail-template", context, title: "メールの文面: \(kind.label)（\(Self.languageLabel(language))）",
                                  current: "/admin/mail-templates", messages: PageMessages(request), model, status: status)
    }

    @Sendable func edit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (kind, language) = try target(context)
        let entry = try await templates.entry(kind, language)
        return try editor(context, kind, language, entry.wording, preview: try? templates.preview(kind, language, entry.wording), request: request)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (kind, language) = try target(context)
        let form = context.form
        let wording = MailWording(subject: form.text("subject"), lead: form.text("lead").replacingOccurrences(of: "\r\n", with: "\n"))
        do {
            if form.text("action") == "save" {
                try await templates.save(kind, language, wording, caller: context.caller)
                return Responses.redirect("/admin/mail-templates", flash: "「\(kind.label)」の文面を保存しました。次に送るメールから使われます。")
            }
            return try editor(context, kind, language, wording, preview: try templates.preview(kind, language, wording), request: request)
        } catch let invalid as InvalidInput {
            return try editor(context, kind, language, wording, errors: invalid.problems.map(\.message), status: .unprocessableContent, request: request)
        }
    }

    @Sendable func reset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (kind, language) = try target(context)
        try await templates.reset(kind, language, caller: context.caller)
        return Responses.redirect("/admin/mail-templates", flash: "「\(kind.label)」を標準の文面に戻しました。")
    }
}
