import Foundation

/// A parsed `application/x-www-form-urlencoded` body. Repeated names (checkbox groups) keep every value.
public struct FormData: Sendable {
    public private(set) var values: [String: [String]] = [:]

    public init() {}

    public init(urlEncoded body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    public subscript(_ name: String) -> String? { values[name]?.first }

    public mutating func append(_ name: String, _ value: String) {
        values[name, default: []].append(value)
    }

    /// The value with surrounding white space removed; empty string when absent.
    public func text(_ name: String) -> String {
        (values[name]?.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func all(_ name: String) -> [String] { values[name] ?? [] }

    static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
