/// What staff set for a location (A7): its name, address and guidance for residents, and its
/// online booking window. One set of limits for the slot editor page and the staff API; the
/// problems name the API's fields.
public struct LocationSettings: Sendable, Equatable {
    public var name: String
    public var address: String
    public var guidance: String
    public var opensDays: Int
    public var closesHours: Int

    public init(name: String, address: String = "", guidance: String = "", opensDays: Int = 60, closesHours: Int = 24) {
        self.name = name
        self.address = address
        self.guidance = guidance
        self.opensDays = opensDays
        self.closesHours = closesHours
    }

    /// The settings trimmed, or every problem with them.
    public func validated() -> Result<LocationSettings, InvalidInput> {
        var clean = self
        clean.name = name.trimmingWhitespace
        clean.address = address.trimmingWhitespace
        clean.guidance = guidance.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldProblem] = []
        if clean.name.isEmpty || clean.name.count > 100 { problems.append(.init(field: "name", message: "名称を100文字以内で入力してください。")) }
        if clean.address.count > 200 { problems.append(.init(field: "address", message: "住所は200文字以内で入力してください。")) }
        if clean.guidance.count > 1000 { problems.append(.init(field: "guidance", message: "案内文は1000文字以内で入力してください。")) }
        if !BookingWindow.opensDaysRange.contains(opensDays) {
            problems.append(.init(field: "bookingOpensDaysAhead", message: "受付開始は1〜365日前で入力してください。"))
        }
        if !BookingWindow.closesHoursRange.contains(closesHours) {
            problems.append(.init(field: "bookingClosesHoursBefore", message: "受付締切は0〜720時間前で入力してください。"))
        }
        for (field, value) in [("name", clean.name), ("address", clean.address), ("guidance", clean.guidance)]
        where IndividualNumber.appears(in: value) {
            problems.append(.init(field: field, message: IndividualNumber.refusalMessage))
        }
        return problems.isEmpty ? .success(clean) : .failure(InvalidInput(problems))
    }
}
