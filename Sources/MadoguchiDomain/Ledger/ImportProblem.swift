/// A bad line of an import, with every reason it was refused. Imports are all-or-nothing: one
/// problem anywhere means nothing is written, and the report names every bad line.
public struct ImportProblem: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// 1-based line of the file (0 for problems of the whole file).
    public let line: Int
    public let reasons: [String]

    public init(line: Int, reasons: [String]) {
        self.line = line
        self.reasons = reasons
    }

    public var description: String {
        line > 0 ? "\(line)行目: \(reasons.joined(separator: "。"))。" : reasons.joined(separator: "。") + "。"
    }

    /// A cell quoted in a message: cut short, and never a run of 12 digits (that could be an
    /// individual number, which must not reach a log or a screen).
    public static func shown(_ cell: String) -> String {
        let short = cell.count > 30 ? String(cell.prefix(30)) + "…" : cell
        return IndividualNumber.appears(in: short) ? "（12桁の番号）" : short
    }
}
