import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiTestSupport
import Testing

/// A location with bookable slots for the site tests: the shared booking fixture on the site's
/// database and clock.
struct BookableDay {
    let locationID: Int64
    let day: CalendarDate
    let slotIDs: [Int64]

    static func make(_ site: SiteHarness, purpose: BookingPurpose = .application, web: Int, staff: Int, slotCount: Int = 2,
                     name: String = "田無庁舎 市民課") async throws -> BookableDay {
        let fixture = try await BookingFixture.make(site.stores.database, purpose: purpose, web: web, staff: staff, slotCount: slotCount, name: name,
                                                    now: site.clock.now())
        return BookableDay(locationID: fixture.locationID, day: fixture.day, slotIDs: try await fixture.slotIDs())
    }
}

extension Browser {
    /// Sends a JSON body (or none) with optional bearer token and extra headers.
    mutating func json(_ path: String, method: HTTPRequest.Method = .get, _ body: [String: Any]? = nil, token: String? = nil,
                       headers extra: HTTPFields = [:]) async throws -> Page {
        var headers = extra
        headers[.contentType] = "application/json"
        headers[.accept] = "application/json"
        if let token { headers[.authorization] = "Bearer \(token)" }
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        return try await request(path, method: method, headers: headers, body: data.map { String(decoding: $0, as: UTF8.self) })
    }
}

extension Browser.Page {
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
    var jsonArray: [[String: Any]] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]) ?? [] }
}

enum People {
    static func json(_ n: Int, slot: Int64, phone: String? = nil) -> [String: Any] {
        let birth = CalendarDate(year: 1960, month: 1, day: 1)!.adding(days: n)!
        return ["slotId": slot, "familyName": "住民", "givenName": "\(n)", "familyKana": "ジュウミン", "givenKana": "ハナコ",
                "birthDate": birth.description, "phone": phone ?? String(format: "080%08d", n)]
    }
}
