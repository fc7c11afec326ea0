import Foundation

public struct MaintenanceWindow: Sendable, Equatable {
    public var id: Int64
    public var startsAt: Date
    public var endsAt: Date
    public var announceDays: Int
    public var message: String

    public func isActive(at now: Date) -> Bool { startsAt <= now && now < endsAt }
    public func isAnnounced(at now: Date) -> Bool {
        now < startsAt && startsAt.timeIntervalSince(now) <= Double(announceDays) * 86_400
    }

    public init(id: Int64, startsAt: Date, endsAt: Date, announceDays: Int, message: String) {
        self.id = id
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.announceDays = announceDays
        self.message = message
    }

    /// Every problem with a window as entered (F3).
    public static func problems(startsAt: Date?, endsAt: Date?, announceDays: Int, message: String, now: Date) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if startsAt == nil || endsAt == nil { problems.append(.init(field: "startsAt", message: "開始・終了日時を入力してください。")) }
        if let startsAt, let endsAt, endsAt <= startsAt { problems.append(.init(field: "endsAt", message: "終了は開始より後にしてください。")) }
        if let endsAt, endsAt <= now { problems.append(.init(field: "endsAt", message: "終了が過去の日時です。")) }
        if !(0...60).contains(announceDays) { problems.append(.init(field: "announceDays", message: "予告日数は0〜60日で入力してください。")) }
        if message.count > 1000 || IndividualNumber.appears(in: message) { problems.append(.init(field: "message", message: "お知らせ文を確認してください。")) }
        return problems
    }
}
