import Foundation
import MadoguchiReports
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("CSV for Excel: UTF-8 with BOM and Shift_JIS (CP932)")
struct CSVExportTests {
    /// Decodes CP932 with iconv, independently of the encoder under test.
    static func decodeCP932(_ bytes: [UInt8]) -> String? {
        let cd = iconv_open("UTF-8", "CP932")
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 4)
        let written = input.withUnsafeMutableBufferPointer { inBuffer -> Int? in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int? in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                return iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft) == -1 ? nil : outBuffer.count - outLeft
            }
        }
        return written.map { String(decoding: output.prefix($0), as: UTF8.self) }
    }

    @Test("hard characters survive a CP932 round trip: 髙 﨑 ① ㈱ ～ and half-width kana")
    func cp932RoundTrip() throws {
        let export = CSVExport(encoding: .cp932, columns: ["氏名", "備考"])
        let header = try export.header()
        let line = try export.line(["髙﨑　花子", "①㈱～ｶﾅ, \"引用\""])
        #expect(header.prefix(3) != [0xEF, 0xBB, 0xBF], "no BOM in Shift_JIS")
        let text = try #require(Self.decodeCP932(header + line))
        #expect(text == "氏名,備考\r\n髙﨑　花子,\"①㈱～ｶﾅ, \"\"引用\"\"\"\r\n")
        // 髙 is an IBM extension: 0xFB 0xFC in CP932
        #expect(line.starts(with: [0xFB, 0xFC]))
    }

    @Test("a character CP932 cannot hold stops the export with its line and column; substitution marks and lists it")
    func unencodable() throws {
        let strict = CSVExport(encoding: .cp932, columns: ["氏名", "住所"])
        _ = try strict.header()
        _ = try strict.line(["山田", "西東京市"])
        #expect(throws: UnencodableCharacter(character: "𠮷", line: 3, column: "氏名")) {
            try strict.line(["𠮷野家", "東京"])
        }
        let lenient = CSVExport(encoding: .cp932, columns: ["氏名", "住所"], substitute: true)
        _ = try lenient.header()
        let line = try lenient.line(["𠮷田", "🏯前"])
        #expect(Self.decodeCP932(line) == "〓田,〓前\r\n")
        #expect(lenient.substituted.map(\.column) == ["氏名", "住所"])
        #expect(lenient.substituted[0].description.contains("U+20BB7"))
    }

    @Test("UTF-8 starts with a BOM; formulas are neutralised")
    func utf8() throws {
        let export = CSVExport(encoding: .utf8, columns: ["a"])
        let bytes = try export.header() + (try export.line(["=HYPERLINK(\"x\")"])) + (try export.line(["-1"]))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: bytes.dropFirst(3), as: UTF8.self) == "a\r\n\"'=HYPERLINK(\"\"x\"\")\"\r\n'-1\r\n")
    }

    @Test("the SVG chart scales to a round maximum and escapes labels")
    func chart() {
        let svg = BarChart(title: "予約 <月別>", bars: [.init(label: "1月", value: 37), .init(label: "2月", value: 12)]).svg
        #expect(svg.contains("aria-label=\"予約 &lt;月別&gt;\""))
        #expect(svg.contains(">40</text>"), "the axis ends at 40 for a maximum of 37")
        #expect(svg.components(separatedBy: "<rect").count == 3)
    }
}

@Suite("Reading CSV files: encoding detection and RFC 4180 records")
struct CSVReadingTests {
    @Test("CP932 (with IBM extensions), UTF-8 and UTF-8 with BOM are told apart and decoded")
    func decoding() throws {
        let text = "申請書ID,氏名\r\n12345678901234567890123,髙﨑 ①㈱～\r\n"
        let export = CSVExport(encoding: .cp932, columns: ["申請書ID", "氏名"])
        let cp932 = Data(try export.header() + (try export.line(["12345678901234567890123", "髙﨑 ①㈱～"])))
        let (fromCP932, detected) = try TextDecoding.decode(cp932)
        #expect(detected == .cp932)
        #expect(fromCP932 == text)
        #expect(try TextDecoding.decode(Data(text.utf8)).1 == .utf8)
        let withBOM = try TextDecoding.decode(Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)))
        #expect(withBOM.0 == text && withBOM.1 == .utf8BOM)
        // 0x81 0x20 is neither: refused with its line
        #expect(throws: TextDecoding.Failure(line: 2)) { try TextDecoding.decode(Data("a\n".utf8) + Data([0x81, 0x20, 0x0A])) }
    }

    @Test("quoted fields with commas, doubled quotes and line breaks keep their record's first line number")
    func records() throws {
        let records = try CSVReader.records("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n\"two\nlines\",z\nlast,1")
        #expect(records.map(\.line) == [1, 2, 4, 6])
        #expect(records[1].fields == ["x, y", "say \"hi\""])
        #expect(records[2].fields == ["two\nlines", "z"])
        #expect(records[3].fields == ["last", "1"])
        #expect(throws: CSVReader.Failure(line: 2)) { try CSVReader.records("a\n\"open,b\nc") }
    }
}
