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
    public static func shown(_ cell: String, limit: Int = 30) -> String {
        // The whole cell is checked before it is cut: a number across the cut must not leak either.
        if IndividualNumber.appears(in: cell) { return "（12桁の番号）" }
        return cell.count > limit ? String(cell.prefix(limit)) + "…" : cell
    }
}
