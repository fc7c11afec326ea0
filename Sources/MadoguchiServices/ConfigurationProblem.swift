/// A setting that does not parse: the start stops with it rather than run with a guess.
public struct ConfigurationProblem: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
