import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain
import Testing

@Suite("Statistics page and CSV extracts (D1, D2)")
struct StatisticsPageTests {
    /// Three past bookings; one person's name has a character Shift_JIS cannot hold.
    static func seed(_ site: SiteHarness) async throws {
        let db = site.stores.database
        try await db.transaction { connection in
            let location = try await connection.first("INSERT INTO location (name) VALUES ('統計庁舎') RETURNING id", as: (Int64).self,
                                                      logger: db.logger)!
            for (n, (day, name)) in [("2026-10-01", "髙橋"), ("2026-10-02", "﨑山"), ("2026-11-04", "𠮷田")].enumerated() {
                let slot = try await connection.first("""
                    INSERT INTO slot (location_id, purpose, day, starts_at, ends_at, web_capacity, staff_capacity)
                    VALUES (\(location), 'application', \(day)::date, (\(day)::date + time '10:00') AT TIME ZONE 'Asia/Tokyo',
                            (\(day)::date + time '10:30') AT TIME ZONE 'Asia/Tokyo', 5, 0) RETURNING id
                    """, as: (Int64).self, logger: db.logger)!
                try await connection.execute("""
                    INSERT INTO booking (code, slot_id, seat, channel, status, family_name, given_name, family_kana, birth_date, phone)
                    VALUES (\("S00000000" + String(n)), \(slot), 'web', 'web', 'checked_in', \(name), '①子', 'テスト', '1970-05-05', '0420000001')
                    """, logger: db.logger)
            }
        }
    }

    @Test("monthly totals with an SVG chart; the extract previews, exports UTF-8 with BOM and CP932, refuses an unencodable name")
    func pageAndExport() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await Self.seed(site)
            try await site.createUser("chief", roles: ["supervisor"])
            var browser = Browser(staff)
            try await browser.login("chief")
            // act: totals
            let page = try await browser.get("/statistics?period=month&from=2026-09-01&to=2026-11-30")
            // check
            #expect(page.status == .ok)
            #expect(page.body.contains("<svg"))
            #expect(page.body.contains("2026年10月"))
            #expect(page.body.contains("<td class=\"num\">2</td>"))
            // act: preview and exports
            let conditions = "dataset=bookings&from=2026-10-01&to=2026-11-30&status=checked_in"
            let preview = try await browser.get("/statistics/extract?preview=1&\(conditions)&encoding=cp932")
            #expect(preview.body.contains("該当 3 件"))
            #expect(preview.body.contains("U+20BB7"))
            let utf8 = try await browser.get("/statistics/extract.csv?\(conditions)")
            #expect(utf8.status == .ok)
            #expect(utf8.body.hasPrefix("\u{FEFF}予約番号,来庁日"))
            #expect(utf8.body.contains("𠮷田　①子"))
            let refused = try await browser.get("/statistics/extract.csv?\(conditions)&encoding=cp932")
            #expect(refused.status == .unprocessableContent)
            let october = try await browser.request("/statistics/extract.csv?dataset=bookings&from=2026-10-01&to=2026-10-31&encoding=cp932")
            #expect(october.status == .ok)
            #expect(october.headers[.contentType] == "text/csv; charset=Shift_JIS")
            let substituted = try await browser.get("/statistics/extract.csv?\(conditions)&encoding=cp932&substitute=1")
            #expect(substituted.status == .ok)
            #expect(try await site.auditActions().filter { $0 == "bookings.export" }.count == 3)
        }
    }

    @Test("viewers see totals but cannot export")
    func permissions() async throws {
        try await SiteHarness.run { site, staff, _ in
            try await site.createUser("look", roles: ["viewer"])
            var browser = Browser(staff)
            try await browser.login("look")
            let totals = try await browser.get("/statistics")
            let export = try await browser.get("/statistics/extract.csv?dataset=bookings")
            #expect(totals.status == .ok)
            #expect(export.status == .forbidden)
        }
    }
}
