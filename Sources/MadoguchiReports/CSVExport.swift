import Foundation

/// Writes CSV lines in the chosen encoding, chunk by chunk, so that an export of any size is
/// streamed. In CP932 a character that cannot be written stops the export with its line and
/// column (never dropped silently), or, when `substitute` is on, becomes 〓 and is listed.
public final class CSVExport {
    public let encoding: TextEncoding
    public let columns: [String]
    public let substitute: Bool
    public private(set) var lineNumber = 0
    public private(set) var substituted: [UnencodableCharacter] = []
    private let cp932: CP932Encoder?

    public init(encoding: TextEncoding, columns: [String], substitute: Bool = false) {
        self.encoding = encoding
        self.columns = columns
        self.substitute = substitute
        cp932 = encoding == .cp932 ? CP932Encoder() : nil
    }

    /// The BOM (UTF-8) and the header line.
    public func header() throws -> [UInt8] {
        encoding.preamble + (try line(columns))
    }

    /// One data line's bytes.
    public func line(_ cells: [String]) throws -> [UInt8] {
        lineNumber += 1
        guard let cp932 else { return Array(CSVFormat.line(cells).utf8) }
        var cells = cells
        for index in cells.indices {
            guard cp932.encode(cells[index]) == nil else { continue }
            // Name every character the table lacks, with where it is.
            var fixed = ""
            for character in cells[index] {
                if character.isASCII || cp932.encode(String(character)) != nil {
                    fixed.append(character)
                    continue
                }
                let problem = UnencodableCharacter(character: String(character), line: lineNumber,
                                                   column: index < columns.count ? columns[index] : "\(index + 1)列目")
                guard substitute else { throw problem }
                substituted.append(problem)
                fixed += CP932Encoder.substitute
            }
            cells[index] = fixed
        }
        guard let bytes = cp932.encode(CSVFormat.line(cells)) else {
            throw UnencodableCharacter(character: "?", line: lineNumber, column: "")
        }
        return bytes
    }
}
