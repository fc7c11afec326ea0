import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDatabase
import MadoguchiDomain
import Testing

/// A location with bookable slots for the site tests: an extra opening three days ahead, so the
/// calendar cannot get in the way, with `slotCount` half-hour slots from 09:00.
struct BookableDay {
    let locationID: Int64
    let day: CalendarDate
    let slotIDs: [Int64]

    static func make(_ site: SiteHarness, purpose: BookingPurpose = .application, web: Int, staff: Int, slotCount: Int = 2,
                     name: String = "田無庁舎 市民課") async throws -> BookableDay {
        let slots = site.services.slots
        let now = site.clock.now()
        let day = CalendarDate(now).adding(days: 3)!
        let id = try await site.services.database.transaction { connection in
            let id = try await slots.saveLocation(id: nil, name: name, address: "西東京市南町5-6-13", guidance: "", opensDays: 30,
                                                  closesHours: 24, on: connection)
            _ = try await slots.addRule(SlotRule(locationID: id, purpose: purpose, weekdays: Set(0...6), startMinute: 9 * 60,
                                                 endMinute: 9 * 60 + 30 * slotCount, slotMinutes: 30, webCapacity: web, staffCapacity: staff,
                                                 validFrom: day, validUntil: day, onClosedDays: true), createdBy: nil, on: connection)
            return id
        }
        try await slots.plan(locationID: id, now: now)
        let slotIDs = try await slots.slots(locationID: id, purpose: purpose, from: day, through: day).map(\.id)
        return BookableDay(locationID: id, day: day, slotIDs: slotIDs)
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
