/// One thing wrong with one input field, worded for the person who typed it.
public struct FieldProblem: Sendable, Codable, Equatable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Input that was refused, with every problem found (not only the first).
public struct InvalidInput: Error, Sendable, Equatable {
    public let problems: [FieldProblem]

    public init(_ problems: [FieldProblem]) {
        self.problems = problems
    }
}
