import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain

/// Accounts created when a database is new: the first administrator, and demo staff, offices,
/// slot rules and a storage cabinet on request (the trial period, F7).
public struct FirstStart: Sendable {
    let database: Database
    let hasher: PasswordHasher
    let audit: AuditTrail
    var users: StaffUserStore { StaffUserStore(database: database) }

    /// Creates `admin` when there is no account at all. The password comes from
    /// `MADOGUCHI_ADMIN_PASSWORD`, or is generated and printed once (and must be changed at first login).
    public func seedAdministrator(environment: [String: String] = ProcessInfo.processInfo.environment) async throws {
        guard try await users.count() == 0 else { return }
        let given = environment["MADOGUCHI_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let password = given ?? SecureToken.readablePassword(length: 20)
        if given != nil, let problem = PasswordPolicy().violations(password: password, login: "admin").first {
            throw FirstStartError(message: "MADOGUCHI_ADMIN_PASSWORD: \(problem)")
        }
        let hash = hasher.hash(password)
        let created = try await database.transaction { connection -> Bool in
            // Several instances may start on one empty database at once: one creates the account.
            try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.seedLockKey))", logger: database.logger)
            let existing: Int = try await connection.first("SELECT count(*) FROM staff_user", as: (Int).self, logger: database.logger) ?? 0
            guard existing == 0 else { return false }
            let id = try await users.create(login: "admin", displayName: "システム管理者", passwordHash: hash,
                                            roles: ["administrator"], mustChangePassword: given == nil, on: connection)
            try await audit.record(.system, "user.create", recordType: "staff_user", recordID: String(id), detail: "first start", on: connection)
            return true
        }
        guard created else { return }
        if given == nil {
            print("""

            ================================================================
             最初の管理者アカウントを作成しました / first administrator created
               login:    admin
               password: \(password)
             このパスワードは今回だけ表示されます。初回ログイン時に変更してください。
            ================================================================

            """)
        } else {
            print("first administrator 'admin' created with the password from MADOGUCHI_ADMIN_PASSWORD")
        }
        fflush(nil)
    }

    /// Demo staff for trying the system (F7 trial period): one account per built-in role.
    public func seedDemoStaff() async throws {
        let accounts = [("supervisor1", "責任者 花子", "supervisor"), ("clerk1", "窓口 太郎", "clerk"), ("viewer1", "閲覧 次郎", "viewer")]
        let password = "demo-password-2026"
        let hash = hasher.hash(password)
        for (login, name, role) in accounts where try await users.find(login: login) == nil {
            try await database.transaction { connection in
                let id = try await users.create(login: login, displayName: name, passwordHash: hash, roles: [role],
                                                mustChangePassword: false, on: connection)
                try await audit.record(.system, "user.create", recordType: "staff_user", recordID: String(id), detail: "demo", on: connection)
            }
        }
        let locations = try await Self.ensureDemoLocations(database)
        try await seedDemoSlotRules(locations: locations)
        // One cabinet for cards awaiting handover, so that inspection can place cards at once (C9).
        let storage = StorageStore(database: database)
        if try await storage.cabinets().isEmpty {
            _ = try await database.transaction { connection in
                try await storage.createCabinet(code: "A", name: "交付待ちカード保管庫", locationID: locations.first, drawers: 5, slotsPerDrawer: 10,
                                                capacity: 20, on: connection)
            }
        }
        print("demo staff: supervisor1 / clerk1 / viewer1, password \(password)")
        fflush(nil)
    }

    /// Two offices, as in the city's specification (庁舎・窓口), so that intake, fees and bookings
    /// have places; returns their ids.
    public static func ensureDemoLocations(_ database: Database) async throws -> [Int64] {
        let slots = SlotStore(database: database)
        return [try await slots.ensureLocation(name: "田無庁舎 市民課", address: "西東京市南町5-6-13", on: database.client),
                try await slots.ensureLocation(name: "保谷庁舎 市民課", address: "西東京市中町1-5-1", on: database.client)]
    }

    /// Weekday slot rules for the demo offices, so that a first visitor can book at once:
    /// 30-minute slots 9:00-12:00 and 13:00-17:00 for applications, 13:00-17:00 for pickups.
    func seedDemoSlotRules(locations: [Int64]) async throws {
        let slots = SlotStore(database: database)
        let today = CalendarDate(Date())
        for location in locations where try await slots.rules(locationID: location).isEmpty {
            let rules = [
                SlotRule(locationID: location, purpose: .application, weekdays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 12 * 60,
                         slotMinutes: 30, webCapacity: 3, staffCapacity: 1, validFrom: today, note: "午前"),
                SlotRule(locationID: location, purpose: .application, weekdays: [1, 2, 3, 4, 5], startMinute: 13 * 60, endMinute: 17 * 60,
                         slotMinutes: 30, webCapacity: 3, staffCapacity: 1, validFrom: today, note: "午後"),
                SlotRule(locationID: location, purpose: .pickup, weekdays: [1, 2, 3, 4, 5], startMinute: 13 * 60, endMinute: 17 * 60,
                         slotMinutes: 30, webCapacity: 2, staffCapacity: 1, validFrom: today, note: "交付"),
            ]
            try await database.transaction { connection in
                for rule in rules {
                    let id = try await slots.addRule(rule, createdBy: nil, on: connection)
                    try await audit.record(.system, "slot-rule.create", recordType: "slot_rule", recordID: String(id), detail: "demo", on: connection)
                }
            }
            try await slots.plan(locationID: location, now: Date())
        }
    }

    static let seedLockKey: Int64 = 0x6d64_675f_7365_6564

}

/// The first start cannot go on (a configured password the policy refuses).
public struct FirstStartError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
