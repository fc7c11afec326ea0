import Foundation
import MadoguchiCardReader
import MadoguchiDomain
import MadoguchiTestSupport
import Testing

/// The agent's real PC/SC code against pcscd + vpcd and the emulated card (#15).
@Suite("Reading a My Number card through PC/SC (virtual card)", .serialized)
struct VirtualCardReadTests {
    /// A holder of these tests' own: 髙 and 﨑 in the name, full-width digits in the address, a
    /// card that expires on a leap day, born in 平成.
    static let holder = VirtualCard.Holder(name: "髙﨑　悠真", address: "東京都西東京市田無町４丁目１５番１１号　グリーンハイツ２０３", birthDate: "1992-11-03",
                                           sex: "1", cardExpiry: "2032-02-29", certificateNotAfter: "2030-11-03T14:59:59Z", securityCode: "7315",
                                           pin: "4096")

    /// One read as the agent makes it: find the reader, connect exclusively, read, reset.
    static func read(unlock: CardUnlock, code: String?, pin: String = "") async throws -> CardReading {
        let pcsc = try PCSCReader()
        return try await pcsc.run {
            let reader = try pcsc.reader(named: VirtualCard.readerName)
            let connection = try pcsc.connectWhenReady(reader: reader, seconds: 3)
            defer { connection.disconnect() }
            var card = MyNumberCard(channel: connection)
            return try card.read(unlock: unlock, code: try code.map(VerificationCodeB.init), pin: { Array(pin.utf8) })
        }
    }

    /// Whether any VERIFY carrying a value (not the bare try-count query) reached the card.
    static func verifiedWithValue(_ log: [[String: Any]]) -> Bool {
        log.contains { ($0["capdu"] as? String).map { $0.hasPrefix("00200080") && $0.count > 8 } ?? false }
    }

    @Test("with 照合番号B: name, address, birth date, sex, card expiry (a leap day) and certificate expiry, and no individual-number file touched")
    func readsWithCodeB() async throws {
        try await VirtualCard.with(Self.holder) { card in
            // act
            let reading = try await Self.read(unlock: .verificationCodeB, code: Self.holder.verificationCodeB)
            // check
            #expect(reading == CardReading(name: "髙﨑　悠真", address: "東京都西東京市田無町４丁目１５番１１号　グリーンハイツ２０３", birthDate: "1992-11-03",
                                          sex: .male, cardExpiry: "2032-02-29", certificateExpiry: "2030-11-03"))
            #expect(try card.violations().isEmpty)
            let selected = try card.log().compactMap { $0["capdu"] as? String }.filter { $0.hasPrefix("00A4020C02") }
            #expect(!selected.isEmpty)
            #expect(selected.allSatisfy { !$0.hasSuffix("0001") && !$0.hasSuffix("0005") && !$0.hasSuffix("0013") && !$0.hasSuffix("0014") })
            let left1 = try card.tries("kenhojo/0015")
            #expect(left1 == 10)
            let left2 = try card.tries("kenkaku/0012")
            #expect(left2 == 10)
        }
    }

    @Test("a wrong 照合番号B is refused with the tries left, and the card counts it")
    func wrongCode() async throws {
        try await VirtualCard.with(Self.holder) { card in
            // setup: the right birth date and year, a wrong security code
            let wrong = String(Self.holder.verificationCodeB.prefix(10)) + "0000"
            // act
            let error = await #expect(throws: CardReaderError.self) { try await Self.read(unlock: .verificationCodeB, code: wrong) }
            // check
            #expect(error == .wrongCode(.verificationCodeB, triesLeft: 9))
            #expect(error?.description.contains("あと9回") == true)
            let left3 = try card.tries("kenhojo/0015")
            #expect(left3 == 9)
        }
    }

    @Test("with one try left the reader stops before VERIFY; a blocked key is reported as blocked")
    func lastTryAndBlocked() async throws {
        try await VirtualCard.with(Self.holder) { card in
            // setup
            try card.command("set-tries kenhojo/0015 1")
            try card.command("reset-log")
            // act
            let last = await #expect(throws: CardReaderError.self) { try await Self.read(unlock: .verificationCodeB, code: Self.holder.verificationCodeB) }
            // check: refused, no value sent, the try still there
            #expect(last == .lastTry(.verificationCodeB))
            #expect(!Self.verifiedWithValue(try card.log()))
            let left4 = try card.tries("kenhojo/0015")
            #expect(left4 == 1)
            // setup / act / check: blocked
            try card.command("set-tries kenhojo/0015 0")
            let blocked = await #expect(throws: CardReaderError.self) { try await Self.read(unlock: .verificationCodeB, code: Self.holder.verificationCodeB) }
            #expect(blocked == .blocked(.verificationCodeB))
        }
    }

    @Test("with the holder's PIN: the four facts and the certificate; the card expiry needs 照合番号B; a wrong PIN shows the tries left")
    func readsWithPIN() async throws {
        try await VirtualCard.with(Self.holder) { card in
            // act
            let reading = try await Self.read(unlock: .pin, code: nil, pin: Self.holder.pin)
            let wrong = await #expect(throws: CardReaderError.self) { try await Self.read(unlock: .pin, code: nil, pin: "0000") }
            // check
            #expect(reading.name == "髙﨑　悠真" && reading.birthDate == "1992-11-03" && reading.cardExpiry == nil && reading.certificateExpiry == "2030-11-03")
            #expect(wrong == .wrongCode(.pin, triesLeft: 2))
            let left5 = try card.tries("kenhojo/0011")
            #expect(left5 == 2)
            #expect(try card.violations().isEmpty)
        }
    }

    @Test("no card on the reader, and a card taken away: clear errors, no crash")
    func noCard() async throws {
        try await VirtualCard.with(Self.holder) { card in
            // setup
            try card.command("remove")
            try await Task.sleep(for: .milliseconds(800))
            let pcsc = try PCSCReader()
            // act
            let waited = try await pcsc.run { try pcsc.waitForCard(reader: VirtualCard.readerName, seconds: 1) }
            let error = await #expect(throws: CardReaderError.self) { try await Self.read(unlock: .verificationCodeB, code: Self.holder.verificationCodeB) }
            // check
            #expect(!waited)
            #expect(error == .noCard)
            #expect(error?.description.contains("カードがリーダーに置かれていません") == true)
            // act / check: the card put back is read again
            try card.command("insert 10")
            #expect(try await Self.read(unlock: .verificationCodeB, code: Self.holder.verificationCodeB).cardExpiry == "2032-02-29")
        }
    }
}
