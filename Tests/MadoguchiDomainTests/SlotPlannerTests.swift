import Foundation
import MadoguchiDomain
import Testing

@Suite("Slot planning from rules and the calendar (A7)")
struct SlotPlannerTests {
    static let weekdays = SlotRule(locationID: 1, purpose: .application, weekdays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 12 * 60,
                                   slotMinutes: 30, webCapacity: 3, staffCapacity: 1, validFrom: CalendarDate("2026-01-01")!)

    @Test("weekly rules give slots on weekdays only, never on a public holiday or in the year-end closure")
    func closedUnlessOpened() {
        // setup: 2027-01-04 (Mon) to 2027-01-15; 1/1-1/3 closure, 1/11 is Coming of Age Day (Happy Monday)
        let planner = SlotPlanner(rules: [Self.weekdays], closures: [])
        // act
        let slots = planner.plan(from: CalendarDate("2026-12-28")!, through: CalendarDate("2027-01-15")!)
        // check
        let days = Set(slots.map(\.day.description))
        #expect(days.contains("2026-12-28"))
        for closed in ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03", "2027-01-09", "2027-01-10", "2027-01-11"] {
            #expect(!days.contains(closed), "\(closed) should be closed")
        }
        #expect(days.contains("2027-01-04") && days.contains("2027-01-12"))
        #expect(slots.filter { $0.day.description == "2027-01-12" }.map(\.startMinute) == [540, 570, 600, 630, 660, 690])
    }

    @Test("an extra opening applies on a holiday; a location closure wins over everything")
    func openingsAndClosures() {
        // setup: 2026-11-23 is Labour Thanksgiving Day (Monday)
        let opening = SlotRule(locationID: 1, purpose: .pickup, weekdays: Set(0...6), startMinute: 10 * 60, endMinute: 11 * 60, slotMinutes: 60,
                               webCapacity: 5, staffCapacity: 0, validFrom: CalendarDate("2026-11-23")!, validUntil: CalendarDate("2026-11-23")!,
                               onClosedDays: true)
        let closure = SlotPlanner.Closure(from: CalendarDate("2026-11-25")!, through: CalendarDate("2026-11-26")!)
        // act
        let slots = SlotPlanner(rules: [Self.weekdays, opening], closures: [closure])
            .plan(from: CalendarDate("2026-11-23")!, through: CalendarDate("2026-11-27")!)
        // check
        #expect(slots.filter { $0.day.description == "2026-11-23" }.map(\.purpose) == [.pickup])
        #expect(!slots.contains { ["2026-11-25", "2026-11-26"].contains($0.day.description) })
        #expect(slots.filter { $0.day.description == "2026-11-24" }.count == 6)
    }

    @Test("two rules on the same times add their seats; date ranges limit a rule")
    func overlappingRules() {
        var second = Self.weekdays
        second.webCapacity = 2
        second.staffCapacity = 2
        second.validUntil = CalendarDate("2026-12-01")!
        let slots = SlotPlanner(rules: [Self.weekdays, second], closures: []).plan(from: CalendarDate("2026-12-01")!,
                                                                                    through: CalendarDate("2026-12-02")!)
        #expect(slots.filter { $0.day.description == "2026-12-01" }.allSatisfy { $0.webCapacity == 5 && $0.staffCapacity == 3 })
        #expect(slots.filter { $0.day.description == "2026-12-02" }.allSatisfy { $0.webCapacity == 3 && $0.staffCapacity == 1 })
    }

    @Test("slot times are Tokyo wall-clock times")
    func tokyoTime() {
        let slot = SlotPlanner(rules: [Self.weekdays], closures: []).plan(from: CalendarDate("2026-12-01")!, through: CalendarDate("2026-12-01")!)[0]
        #expect(slot.startsAt == ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z"))
    }

    @Test("a rule with its end before its start, no weekday or no seats is refused with field messages")
    func ruleProblems() {
        var rule = Self.weekdays
        rule.endMinute = 8 * 60
        rule.weekdays = []
        rule.webCapacity = 0
        rule.staffCapacity = 0
        let fields = Set(rule.problems.map(\.field))
        #expect(fields == ["ends", "weekdays", "webCapacity"])
    }
}

@Suite("Booking codes and booking input (A1, public-site validation)")
struct BookingInputTests {
    @Test("codes use an unambiguous alphabet and are read back from what people type or scanners send")
    func codes() {
        let code = BookingCode.generate()
        #expect(code.count == 10)
        #expect(code.allSatisfy { BookingCode.alphabet.contains($0) })
        #expect(!BookingCode.alphabet.contains { "0O1IL2Z5S8B".contains($0) })
        #expect(BookingCode.normalized(BookingCode.display(code).lowercased()) == code)
        #expect(BookingCode.normalized("ＡＣＤＥＦ－ＧＨＪＫＭ") == "ACDEFGHJKM")
        #expect(BookingCode.normalized("ACDEF-GHJK0") == nil)
        #expect(BookingCode.normalized("ACDEF") == nil)
        let many = Set((0..<2000).map { _ in BookingCode.generate() })
        #expect(many.count == 2000)
    }

    static let valid = BookingInput(familyName: "山田", givenName: "花子", familyKana: "やまだ", givenKana: "ハナコ", birthDate: "1985-06-15",
                                    phone: "０４２－４６４－１３１１", email: "hanako@example.jp")

    @Test("kana becomes katakana, the phone becomes digits, dates are checked")
    func cleaning() throws {
        let clean = try Self.valid.validated(purpose: .application, today: Date()).get()
        #expect(clean.familyKana == "ヤマダ")
        #expect(clean.phone == "0424641311")
        #expect(clean.kanaKey == "ヤマダハナコ")
        var bad = Self.valid
        bad.familyKana = "Yamada"
        bad.birthDate = "1985-02-30"
        bad.phone = "12345"
        bad.email = "not-an-address"
        guard case .failure(let invalid) = bad.validated(purpose: .application, today: Date()) else {
            Issue.record("bad input accepted")
            return
        }
        #expect(Set(invalid.problems.map(\.field)) == ["familyKana", "birthDate", "phone", "email"])
    }

    @Test("a pickup needs the application ID or the notice number; messages follow the language")
    func pickup() {
        guard case .failure(let invalid) = Self.valid.validated(purpose: .pickup, today: Date(), language: .en) else {
            Issue.record("pickup without an ID accepted")
            return
        }
        #expect(invalid.problems.map(\.field) == ["applicationId"])
        #expect(invalid.problems[0].message.hasPrefix("For a card pickup"))
        var withNotice = Self.valid
        withNotice.noticeNumber = "r8-1234"
        #expect((try? withNotice.validated(purpose: .pickup, today: Date()).get().noticeNumber) == "R8-1234")
    }

    @Test("an individual number typed into any free-text field is refused")
    func individualNumberGuard() {
        var input = Self.valid
        input.notes = "番号 1234 5678 9018"
        input.noticeNumber = "123456789018"
        guard case .failure(let invalid) = input.validated(purpose: .pickup, today: Date()) else {
            Issue.record("individual number accepted")
            return
        }
        #expect(Set(invalid.problems.filter { $0.message == IndividualNumber.refusalMessage }.map(\.field)) == ["notes", "noticeNumber"])
    }
}
