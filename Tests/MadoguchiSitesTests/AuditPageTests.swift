import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import Testing

@Suite("Audit log pages (E2)")
struct AuditPageTests {
    @Test("search by user and action, and the search itself is audited")
    func search() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("boss", roles: ["supervisor"])
            try await site.stores.auditLog.record(AuditEvent(actorUserID: 9, actorLogin: "yamada", action: "booking.update",
                                                               recordType: "booking", recordID: "42", detail: "時間変更"))
            var boss = Browser(staff)
            try await boss.login("boss")
            // act
            let page = try await boss.get("/audit?login=yamada&action=booking.")
            let badDate = try await boss.get("/audit?from=2026-13-45")
            let individualNumber = try await boss.get("/audit?recordId=1234-5678-9018")
            // check
            #expect(page.status == .ok)
            #expect(page.body.contains("時間変更"))
            #expect(page.body.contains("1件"))
            #expect(badDate.status == .unprocessableContent && badDate.body.contains("開始日が正しくありません"))
            #expect(individualNumber.status == .unprocessableContent && individualNumber.body.contains("個人番号"))
            let details: [String] = try await site.stores.database.client.all(
                "SELECT detail FROM audit_log", as: (String).self, logger: site.stores.logger)
            #expect(!details.contains { $0.contains("9018") })
            #expect(try await site.auditActions().contains("audit.search"))
        }
    }

    @Test("CSV export is UTF-8 with BOM for Excel, neutralises formulas, and is audited")
    func csv() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("boss", roles: ["supervisor"])
            try await site.stores.auditLog.record(AuditEvent(actorUserID: 9, actorLogin: "yamada", action: "note",
                                                               detail: "=HYPERLINK(\"http://x\"),\"改行\n付き\""))
            var boss = Browser(staff)
            try await boss.login("boss")
            // act
            let response = try await boss.get("/audit/export.csv?login=yamada")
            // check
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.body.hasPrefix("\u{FEFF}番号,日時,利用者,操作"))
            #expect(response.body.contains("\"'=HYPERLINK(\"\"http://x\"\"),\"\"改行\n付き\"\"\""))
            #expect(response.body.components(separatedBy: "\r\n").count == 3)
            #expect(try await site.auditActions().contains("audit.export"))
        }
    }
}
