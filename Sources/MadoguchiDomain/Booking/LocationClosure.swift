import Foundation

/// A day or range of days a location is closed, whatever its rules say.
public struct LocationClosure: Sendable, Equatable {
    public var id: Int64
    public var from: CalendarDate
    public var through: CalendarDate
    public var reason: String

    public init(id: Int64, from: CalendarDate, through: CalendarDate, reason: String) {
        self.id = id
        self.from = from
        self.through = through
        self.reason = reason
    }

    /// Every problem with a closure as entered: a real range (from ≦ through) and a short reason
    /// that holds no individual number. The editor page and the API ask the same question.
    public static func problems(from: CalendarDate?, through: CalendarDate?, reason: String) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if let from, let through {
            if through < from { problems.append(.init(field: "to", message: "休業の終了日は開始日以降にしてください。")) }
        } else {
            problems.append(.init(field: "from", message: "休業の期間を日付（YYYY-MM-DD）で入力してください。"))
        }
        if reason.count > 200 { problems.append(.init(field: "reason", message: "理由は200文字以内で入力してください。")) }
        if IndividualNumber.appears(in: reason) { problems.append(.init(field: "reason", message: IndividualNumber.refusalMessage)) }
        return problems
    }
}
