import Foundation

/// A notice (お知らせ, E4) for the staff home or the resident site, shown between its publish
/// and expiry times, most important first.
public struct Notice: Sendable, Equatable, Codable {
    public var id: Int64
    public var audience: String
    public var priority: String
    public var title: String
    public var body: String
    public var publishAt: Date
    public var expireAt: Date?

    public init(id: Int64, audience: String, priority: String, title: String, body: String, publishAt: Date, expireAt: Date?) {
        self.id = id
        self.audience = audience
        self.priority = priority
        self.title = title
        self.body = body
        self.publishAt = publishAt
        self.expireAt = expireAt
    }

    public static let audiences = ["staff", "resident"]
    public static let priorities = ["urgent", "important", "normal"]
    public static let audienceLabels = ["staff": "職員向け", "resident": "住民向け"]
    public static let priorityLabels = ["urgent": "緊急", "important": "重要", "normal": "通常"]

    public var audienceLabel: String { Self.audienceLabels[audience] ?? audience }
    public var priorityLabel: String { Self.priorityLabels[priority] ?? priority }
    public func isShown(at now: Date) -> Bool { publishAt <= now && (expireAt.map { $0 > now } ?? true) }

    /// Every problem with a notice as entered.
    public var problems: [FieldProblem] {
        var problems: [FieldProblem] = []
        if !Self.audiences.contains(audience) { problems.append(.init(field: "audience", message: "対象を選んでください。")) }
        if !Self.priorities.contains(priority) { problems.append(.init(field: "priority", message: "重要度を選んでください。")) }
        if title.isEmpty || title.count > 200 { problems.append(.init(field: "title", message: "件名を200文字以内で入力してください。")) }
        if body.count > 4000 { problems.append(.init(field: "body", message: "本文は4000文字以内で入力してください。")) }
        if IndividualNumber.appears(in: title + "\n" + body) { problems.append(.init(field: "body", message: IndividualNumber.refusalMessage)) }
        if let expireAt, expireAt <= publishAt { problems.append(.init(field: "expireAt", message: "掲載終了は掲載開始より後にしてください。")) }
        return problems
    }
}
