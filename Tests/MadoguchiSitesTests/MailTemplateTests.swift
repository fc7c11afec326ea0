import Foundation
import Logging
import MadoguchiDomain
import MadoguchiTestSupport
import Testing

/// Administrators' wording of the mails (#16): preview, refusal of a placeholder the kind does
/// not have, save (the next mail uses it, the facts still in it), back to standard.
@Suite("Mail to residents: wording edited by administrators")
struct MailTemplateTests {
    @Test("preview fills the placeholders without saving; an unknown one is refused; a saved wording is used by the next mail; reset restores the standard")
    func editPreviewSave() async throws {
        let server = try await TestSMTP.start()
        defer { server.stop() }
        try await SiteHarness.run(configure: MailNoticesTests.relay(server)) { site, staff, resident in
            // setup
            try await site.createUser("chief", roles: ["supervisor"])
            try await site.createUser("clerk", roles: ["clerk"])
            var chief = Browser(staff)
            try await chief.login("chief")
            var clerk = Browser(staff)
            try await clerk.login("clerk")
            let day = try await BookableDay.make(site, web: 3, staff: 0)
            let path = "/admin/mail-templates/booking-confirmation/ja"
            let editor = try await chief.get(path)
            let subject = "【{city}】ご予約ありがとうございます（{code}）"
            // act
            let preview = try await chief.post(path, [("subject", subject), ("lead", "窓口でお待ちしています。"), ("action", "preview")], csrf: editor.csrf)
            let untouched = try await MailOutboxTests.book(resident, day, 1, email: "before@example.jp")
            let unknown = try await chief.post(path, [("subject", "{name} 様"), ("lead", "x"), ("action", "save")], csrf: editor.csrf)
            let saved = try await chief.post(path, [("subject", subject), ("lead", "窓口でお待ちしています。"), ("action", "save")], csrf: editor.csrf)
            let after = try await MailOutboxTests.book(resident, day, 2, email: "after@example.jp")
            let refused = try await clerk.get(path)
            let reset = try await chief.post(path + "/reset", [], csrf: editor.csrf)
            let restored = try await MailOutboxTests.book(resident, day, 3, email: "restored@example.jp")
            _ = try await site.desks.mail.deliverDue(logger: Logger(label: "test"))
            // check
            #expect(editor.status == .ok && editor.body.contains("マイナンバーカード窓口の予約を受け付けました"))
            #expect(preview.status == .ok && preview.body.contains("ご予約ありがとうございます（SAMPLE0000）") && preview.body.contains("窓口でお待ちしています。"))
            #expect(unknown.status == .unprocessableContent && unknown.body.contains("{name} は使えません"))
            #expect(saved.status == .seeOther && refused.status == .forbidden && reset.status == .seeOther)
            let received = try server.messages().filter { $0.contains("X-Envelope-To: ") }
            func mail(to address: String) -> String? { received.first { $0.contains("X-Envelope-To: \(address)") } }
            let codes = [untouched, after, restored].map { $0.json["code"] as? String ?? "?" }
            #expect(MailOutboxTests.subject(of: try #require(mail(to: "before@example.jp"))).contains("予約を受け付けました"))
            let changed = try #require(mail(to: "after@example.jp"))
            #expect(MailOutboxTests.subject(of: changed) == "【西東京市】ご予約ありがとうございます（\(codes[1])）")
            #expect(TestSMTP.body(of: changed).contains("窓口でお待ちしています。") && TestSMTP.body(of: changed).contains("予約番号: \(codes[1])"))
            #expect(MailOutboxTests.subject(of: try #require(mail(to: "restored@example.jp"))).contains("予約を受け付けました"))
            let actions = try await site.auditActions()
            #expect(actions.contains("mail-template.save") && actions.contains("mail-template.reset"))
        }
    }
}
