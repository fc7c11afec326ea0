/// A location's rule for bookable slots (A7): on these weekdays, between these times, slots of
/// this length with seats for residents online (web) and for staff taking phone calls (staff).
/// An extra opening (臨時開庁) is a rule with `onClosedDays`, usually for one date.
public struct SlotRule: Sendable, Equatable, Codable {
    public var id: Int64
    public var locationID: Int64
    public var purpose: BookingPurpose
    /// 0 Sunday … 6 Saturday.
    public var weekdays: Set<Int>
    /// Minutes after midnight, Tokyo time.
    public var startMinute: Int
    public var endMinute: Int
    public var slotMinutes: Int
    public var webCapacity: Int
    public var staffCapacity: Int
    public var validFrom: CalendarDate
    public var validUntil: CalendarDate?
    public var onClosedDays: Bool
    public var note: String

    public init(id: Int64 = 0, locationID: Int64, purpose: BookingPurpose, weekdays: Set<Int>, startMinute: Int, endMinute: Int,
                slotMinutes: Int, webCapacity: Int, staffCapacity: Int, validFrom: CalendarDate, validUntil: CalendarDate? = nil,
                onClosedDays: Bool = false, note: String = "") {
        self.id = id
        self.locationID = locationID
        self.purpose = purpose
        self.weekdays = weekdays
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.slotMinutes = slotMinutes
        self.webCapacity = webCapacity
        self.staffCapacity = staffCapacity
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.onClosedDays = onClosedDays
        self.note = note
    }

    public func applies(on day: CalendarDate) -> Bool {
        day >= validFrom && (validUntil.map { day <= $0 } ?? true) && weekdays.contains(day.weekday)
    }

    /// Every problem with the rule as entered, in Japanese, for the editor and the API.
    public var problems: [FieldProblem] {
        var problems: [FieldProblem] = []
        if weekdays.isEmpty || !weekdays.isSubset(of: 0...6) { problems.append(.init(field: "weekdays", message: "曜日を1つ以上選んでください。")) }
        if !(0..<(24 * 60)).contains(startMinute) || !(1...(24 * 60)).contains(endMinute) || endMinute <= startMinute {
            problems.append(.init(field: "ends", message: "終了時刻は開始時刻より後にしてください。"))
        }
        if !(5...240).contains(slotMinutes) { problems.append(.init(field: "slotMinutes", message: "1枠の長さは5〜240分にしてください。")) }
        else if endMinute > startMinute, (endMinute - startMinute) < slotMinutes {
            problems.append(.init(field: "slotMinutes", message: "時間帯が1枠の長さより短くなっています。"))
        }
        if !(0...500).contains(webCapacity) { problems.append(.init(field: "webCapacity", message: "インターネット枠の定員は0〜500にしてください。")) }
        if !(0...500).contains(staffCapacity) { problems.append(.init(field: "staffCapacity", message: "電話・窓口枠の定員は0〜500にしてください。")) }
        if webCapacity + staffCapacity == 0 { problems.append(.init(field: "webCapacity", message: "定員の合計を1以上にしてください。")) }
        if let validUntil, validUntil < validFrom { problems.append(.init(field: "validUntil", message: "適用終了日は適用開始日以降にしてください。")) }
        if note.count > 200 { problems.append(.init(field: "note", message: "メモは200文字以内で入力してください。")) }
        if IndividualNumber.appears(in: note) { problems.append(.init(field: "note", message: IndividualNumber.refusalMessage)) }
        return problems
    }

    /// `HH:MM` for a minute of the day.
    public static func clock(_ minute: Int) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// Minutes after midnight from `HH:MM`, or nil.
    public static func minute(_ text: String) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m),
              h * 60 + m <= 24 * 60 else { return nil }
        return h * 60 + m
    }

    public static let weekdayLabels = ["日", "月", "火", "水", "木", "金", "土"]
}
