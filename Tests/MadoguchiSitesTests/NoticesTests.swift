import Foundation
import Hummingbird
import Testing

@Suite("Notices (E4)")
struct NoticesTests {
    @Test("a notice shows on its audience's home page between publish and expiry, most urgent first")
    func lifecycle() async throws {
        try await SiteHarness.run { site, staff, resident in
            // setup
            try await site.createUser("boss", roles: ["supervisor"])
            try await site.createUser("clerk1", roles: ["clerk"])
            var boss = Browser(staff), clerk = Browser(staff), visitor = Browser(resident)
            try await boss.login("boss")
            try await clerk.login("clerk1")
            let csrf = try await boss.get("/admin/notices").csrf
            let later = NoticesControllerFormat.local(site.clock.now().addingTimeInterval(20 * 60))
            // act
            _ = try await boss.post("/admin/notices", [("audience", "staff"), ("priority", "normal"), ("title", "研修のお知らせ"),
                                                       ("body", "12月1日 15時から"), ("publishAt", ""), ("expireAt", "")], csrf: csrf)
            _ = try await boss.post("/admin/notices", [("audience", "staff"), ("priority", "urgent"), ("title", "システム停止"),
                                                       ("publishAt", ""), ("expireAt", "")], csrf: csrf)
            _ = try await boss.post("/admin/notices", [("audience", "staff"), ("priority", "important"), ("title", "未来のお知らせ"),
                                                       ("publishAt", later), ("expireAt", "")], csrf: csrf)
            _ = try await boss.post("/admin/notices", [("audience", "resident"), ("priority", "important"), ("title", "年末年始の休業"),
                                                       ("publishAt", ""), ("expireAt", "")], csrf: csrf)
            let bad = try await boss.post("/admin/notices", [("audience", "staff"), ("priority", "normal"), ("title", ""),
                                                             ("publishAt", "2026-13-01T10:00")], csrf: csrf)
            let home = try await clerk.get("/")
            let residentHome = try await visitor.get("/")
            // check
            #expect(bad.status == .unprocessableContent)
            #expect(home.body.contains("研修のお知らせ") && home.body.contains("システム停止"))
            #expect(home.body.range(of: "システム停止")!.lowerBound < home.body.range(of: "研修のお知らせ")!.lowerBound)
            #expect(!home.body.contains("未来のお知らせ"))
            #expect(!home.body.contains("年末年始の休業"))
            #expect(residentHome.body.contains("年末年始の休業"))
            #expect(!residentHome.body.contains("研修"))
            site.clock.advance(by: 25 * 60)  // within the 30-minute idle timeout of both sessions
            #expect(try await clerk.get("/").body.contains("未来のお知らせ"))
            // the clerk cannot manage notices
            #expect(try await clerk.get("/admin/notices").status == .forbidden)
            // expire one
            let id = try await site.stores.notices.all().first { $0.title == "システム停止" }!.id
            _ = try await boss.post("/admin/notices/\(id)/expire", [], csrf: csrf)
            #expect(!(try await clerk.get("/").body.contains("システム停止")))
            #expect(try await site.auditActions().contains("notice.expire"))
        }
    }
}

/// The `datetime-local` format of the notices form (Tokyo wall clock).
enum NoticesControllerFormat {
    static func local(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Tokyo")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }
}
