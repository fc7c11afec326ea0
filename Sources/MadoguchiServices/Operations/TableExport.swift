import Foundation
import MadoguchiReports

/// A CSV download a desk has prepared: its columns and a function that produces its rows a
/// page at a time (so an export of the whole ledger streams with flat memory). The site writes
/// it in the chosen encoding; a desk has already checked that CP932 can hold every character,
/// audited the export, and named the file.
public struct TableExport: Sendable {
    public let filename: String
    public let columns: [String]
    public let rows: @Sendable (_ emit: ([String]) async throws -> Void) async throws -> Void

    public init(filename: String, columns: [String], rows: @escaping @Sendable (_ emit: ([String]) async throws -> Void) async throws -> Void) {
        self.filename = filename
        self.columns = columns
        self.rows = rows
    }

    /// The characters CP932 cannot hold (the first `limit`), found by a pass over the rows before
    /// anything is sent.
    public func unencodable(limit: Int = 20) async throws -> [UnencodableCharacter] {
        let probe = CSVExport(encoding: .cp932, columns: columns, substitute: true)
        try await rows { cells in
            if probe.substituted.count < limit { _ = try probe.line(cells) }
        }
        return Array(probe.substituted.prefix(limit))
    }

    /// Refuses an export to CP932 that would lose a character, unless substitution was chosen.
    func checked(encoding: TextEncoding, substitute: Bool) async throws -> TableExport {
        guard encoding == .cp932, !substitute else { return self }
        let lost = try await unencodable()
        guard lost.isEmpty else { throw UnencodableExport(characters: lost) }
        return self
    }
}

/// An export to CP932 refused because of characters the table cannot hold (HTTP 422).
public struct UnencodableExport: Error, Sendable {
    public let characters: [UnencodableCharacter]

    public var message: String {
        characters.map(\.description).joined(separator: " / ") + "。UTF-8 で出力するか、「〓で置き換える」（substitute=1）を選んでください。"
    }
}
