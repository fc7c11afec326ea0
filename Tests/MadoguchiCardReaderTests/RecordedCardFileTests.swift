import Foundation
import MadoguchiCardReader
import MadoguchiDomain
import Testing

/// The parsers on bytes recorded from the emulated card (Tests/CardEmulator/recorded).
@Suite("Card files: BER-TLV and certificate parsing on recorded bytes")
struct RecordedCardFileTests {
    static func recorded(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CardEmulator/recorded/\(name).hex")
        let hex = try String(contentsOf: url, encoding: .utf8).filter(\.isHexDigit)
        return stride(from: 0, to: hex.count, by: 2).map { i in
            UInt8(hex[hex.index(hex.startIndex, offsetBy: i)..<hex.index(hex.startIndex, offsetBy: i + 2)], radix: 16)!
        }
    }

    @Test("基本4情報 (short and long outer length) by tag: name with 髙﨑, full-width address, birth date, sex")
    func basicFour() throws {
        // setup
        let short = try BERTLV.parse(try Self.recorded("kenhojo-basic4-0002"))
        let long = try BERTLV.parse(try Self.recorded("kenhojo-basic4-0002-long"))
        func text(_ object: BERTLV, _ tag: UInt32) throws -> String { String(decoding: try #require(try object.child(tag)).value, as: UTF8.self) }
        // check
        #expect(short.tag == 0xFF20 && short.headerLength == 3)
        #expect(try text(short, 0xDF22) == "髙﨑　花子")
        #expect(try text(short, 0xDF23) == "東京都西東京市南町５丁目６番１３号")
        #expect(try text(short, 0xDF24) == "19800217")
        #expect(try text(short, 0xDF25) == "2")
        #expect(long.headerLength == 5 && long.value.count == 0x86)
        #expect(try text(long, 0xDF22) == "渡邉　太郎")
        #expect(try text(long, 0xDF24) == "19890107")
    }

    @Test("the card face's expiry (DF29, after the signature) and the certificate's notAfter")
    func expiryAndCertificate() throws {
        // setup
        let face = try BERTLV.parse(try Self.recorded("kenkaku-cardface-0002"))
        let certificate = try Self.recorded("jpki-authcert-000A")
        // act
        let notAfter = try CertificateExpiry.notAfter(der: certificate)
        // check
        #expect(String(decoding: try #require(try face.child(0xDF29)).value, as: UTF8.self) == "20360229")
        #expect(notAfter == ISO8601DateFormatter().date(from: "2031-02-17T14:59:59Z"))
        #expect(CalendarDate(notAfter).description == "2031-02-17")
    }

    @Test("a truncated object and a bad length are refused, not read past the end")
    func truncated() throws {
        // setup
        let bytes = try Self.recorded("kenhojo-basic4-0002")
        // act / check
        #expect(throws: CardReaderError.self) { try BERTLV.parse(Array(bytes.prefix(40))) }
        #expect(throws: CardReaderError.self) { try BERTLV.parse([0xDF, 0x22, 0x85, 0, 0, 0, 0, 1]) }
        #expect(try BERTLV.header([0xFF]) == nil)
    }
}
