import Crypto
import Foundation
import MadoguchiDomain
import MadoguchiReports

/// A CSV file read for an import: decoded (UTF-8, UTF-8 with BOM or CP932), split into records,
/// mapped by the layout and checked line by line. Nothing is written here; every bad line is
/// collected, so the report can name them all at once.
public struct ImportFile<Record: Sendable>: Sendable {
    public var records: [Record]
    public var problems: [ImportProblem]
    public var encoding: String
    public var ignoredHeaders: [String]
    public var sha256: String
    /// Data lines read (after the header and skipped title lines).
    public var lines: Int

    /// At most this many problems are listed; a file that bad is the wrong file or layout.
    public static var problemLimit: Int { 1000 }

    public static func read<Field: ImportField>(
        _ data: Data, layout: ImportLayout, documentedOrder: [Field],
        parse: @Sendable (Int, [Field: String]) -> Result<Record, ImportProblem>
    ) -> ImportFile<Record> {
        let sha = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        func failed(_ problems: [ImportProblem], encoding: String = "") -> ImportFile<Record> {
            ImportFile(records: [], problems: problems, encoding: encoding, ignoredHeaders: [], sha256: sha, lines: 0)
        }
        let text: String
        let encoding: String
        do {
            let forced: TextDecoding.Detected? = switch layout.encoding?.lowercased() {
            case "cp932": .cp932
            case "utf-8": .utf8
            default: nil
            }
            let (decoded, detected) = try TextDecoding.decode(data, as: forced)
            (text, encoding) = (decoded, detected.rawValue)
        } catch let failure as TextDecoding.Failure {
            return failed([ImportProblem(line: failure.line, reasons: [failure.reason])])
        } catch {
            return failed([ImportProblem(line: 0, reasons: ["ファイルを読めません"])])
        }
        guard !text.isEmpty else { return failed([ImportProblem(line: 0, reasons: ["ファイルが空です"])], encoding: encoding) }
        var all: [CSVReader.Record]
        do {
            all = try CSVReader.records(text, separator: layout.separatorByte)
        } catch let failure as CSVReader.Failure {
            return failed([ImportProblem(line: failure.line, reasons: ["引用符（\"）が閉じられていません"])], encoding: encoding)
        } catch {
            return failed([ImportProblem(line: 0, reasons: ["CSVとして読めません"])], encoding: encoding)
        }
        all.removeFirst(min(layout.skipLines ?? 0, all.count))
        var headerRow: [String]?
        if layout.hasHeader {
            guard !all.isEmpty else { return failed([ImportProblem(line: 0, reasons: ["見出し行がありません"])], encoding: encoding) }
            headerRow = all.removeFirst().fields
        }
        let map: ColumnMap<Field>
        do {
            map = try ColumnMap(layout: layout, headerRow: headerRow, documentedOrder: documentedOrder)
        } catch let failure {
            guard case .problems(let reasons) = failure else { return failed([], encoding: encoding) }
            return failed([ImportProblem(line: 0, reasons: reasons)], encoding: encoding)
        }
        // Lines are checked in parallel chunks (each line stands alone), then joined in file order.
        let chunkCount = all.count < 2000 ? 1 : ProcessInfo.processInfo.activeProcessorCount * 4
        let chunkSize = (all.count + chunkCount - 1) / max(chunkCount, 1)
        var chunks = [[Result<Record, ImportProblem>?]](repeating: [], count: chunkCount)
        let columnCount = map.columnCount, hasHeader = headerRow != nil
        let lines = all
        chunks.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes only its own slot of the buffer.
            nonisolated(unsafe) let results = buffer
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let range = min(lines.count, chunk * chunkSize)..<min(lines.count, (chunk + 1) * chunkSize)
                var out: [Result<Record, ImportProblem>?] = []
                out.reserveCapacity(range.count)
                for record in lines[range] {
                    // A row of only empty cells (Excel leaves them at the end) is no line.
                    if record.fields.allSatisfy({ FileValue.trim($0).isEmpty }) {
                        out.append(nil)
                    } else if record.fields.count > columnCount && hasHeader
                                && !record.fields[columnCount...].allSatisfy({ FileValue.trim($0).isEmpty }) {
                        // Empty cells past the last column (Excel's trailing commas) are no data.
                        out.append(.failure(ImportProblem(line: record.line, reasons: ["列が多すぎます（見出しは\(columnCount)列、この行は\(record.fields.count)列）"])))
                    } else {
                        out.append(parse(record.line, map.values(of: record.fields)))
                    }
                }
                results[chunk] = out
            }
        }
        var records: [Record] = []
        records.reserveCapacity(all.count)
        var problems: [ImportProblem] = []
        for result in chunks.joined() {
            switch result {
            case .success(let parsed)?: records.append(parsed)
            case .failure(let problem)?: if problems.count < problemLimit { problems.append(problem) }
            case nil: continue
            }
        }
        if all.isEmpty { problems.append(ImportProblem(line: 0, reasons: ["データ行がありません"])) }
        return ImportFile(records: records, problems: problems, encoding: encoding, ignoredHeaders: map.ignoredHeaders, sha256: sha, lines: all.count)
    }
}
