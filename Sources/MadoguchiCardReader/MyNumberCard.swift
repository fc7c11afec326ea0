import Foundation
import MadoguchiDomain

/// Reads a My Number card (個人番号カード) for the counter (C7, #15): identifies it by its JPKI
/// token, takes the user-authentication certificate's notAfter (no PIN needed), opens
/// 券面事項入力補助AP with 照合番号B or the PIN for the four basic facts, and, with 照合番号B,
/// 券面事項確認AP for the card's expiry.
///
/// What it never does: select either file that holds the individual number (入力補助AP EF 0001,
/// 確認AP EF 0005) or the keys that are the individual number (照合番号A), touch the signing
/// certificate, or spend the last try of a key. `allowedFiles` is the whole list of files it may
/// select; anything else is refused before an APDU is sent.
public struct MyNumberCard: Sendable {
    public static let jpkiAP: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
    public static let textAP: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]
    public static let faceAP: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02]

    enum Application: Equatable {
        case jpki, text, face
        var aid: [UInt8] {
            switch self {
            case .jpki: MyNumberCard.jpkiAP
            case .text: MyNumberCard.textAP
            case .face: MyNumberCard.faceAP
            }
        }
    }

    /// JPKI: token, auth certificate. 入力補助: PIN, 照合番号B, 基本4情報. 確認: 照合番号B, card face.
    static let allowedFiles: [Application: Set<UInt16>] = [.jpki: [0x0006, 0x000A], .text: [0x0011, 0x0015, 0x0002], .face: [0x0012, 0x0002]]
    /// The token of a My Number card (phones' JPKI carry other names and no 券面 APs).
    public static let cardToken = "JPKIAPICCTOKEN2"

    let channel: any CardChannel
    private var current: Application?

    public init(channel: any CardChannel) { self.channel = channel }

    /// The whole read. `pin` is asked for only in `.pin` mode, after the card has been identified
    /// and the tries checked (so the holder is not asked to type into a card that will refuse).
    public mutating func read(unlock: CardUnlock, code: VerificationCodeB?, pin: () throws -> [UInt8]) throws -> CardReading {
        let certificateExpiry = try identify()

        try select(.text, orWrongCard: "券面事項入力補助APがありません")
        switch unlock {
        case .verificationCodeB:
            guard let code else { throw CardReaderError.unexpected("照合番号Bがありません") }
            try verify(file: 0x0015, secret: .verificationCodeB, value: code.bytes)
        case .pin:
            try checkTries(file: 0x0011, secret: .pin)
            let value = try pin()
            guard value.count == 4, value.allSatisfy({ (0x30...0x39).contains($0) }) else { throw CardReaderError.pinNotEntered }
            try verify(file: 0x0011, secret: .pin, value: value, triesChecked: true)
        }
        try selectFile(0x0002)
        let basic = try BERTLV.parse(try readTLVFile())
        guard basic.tag == 0xFF20 else { throw CardReaderError.unexpected("基本4情報の形式が正しくありません") }
        func text(_ tag: UInt32) throws -> String {
            guard let value = try basic.child(tag)?.value else { throw CardReaderError.unexpected(String(format: "基本4情報に DF%02X がありません", tag & 0xFF)) }
            return String(decoding: value, as: UTF8.self)
        }
        let birth = try text(0xDF24)
        let sexDigit = try text(0xDF25)

        var cardExpiry: String?
        if unlock == .verificationCodeB, let code {
            try select(.face, orWrongCard: "券面事項確認APがありません")
            try verify(file: 0x0012, secret: .verificationCodeB, value: code.bytes)
            try selectFile(0x0002)
            cardExpiry = try Self.isoDate(try readCardFaceExpiry())
        }
        return CardReading(name: FileValue.text(try text(0xDF22)), address: FileValue.text(try text(0xDF23)), birthDate: try Self.isoDate(birth),
                           sex: Sex(fileValue: sexDigit) ?? .unspecified, cardExpiry: cardExpiry, certificateExpiry: certificateExpiry.description)
    }

    // MARK: files

    mutating func select(_ application: Application, orWrongCard what: String) throws {
        let response = try channel.transmit(.selectDF(application.aid))
        guard response.isOK else {
            if response.status == 0x6A82 { throw CardReaderError.wrongCard(what) }
            throw CardReaderError.unexpected("SELECT \(response.statusText)")
        }
        current = application
    }

    func selectFile(_ id: UInt16) throws {
        guard let current, Self.allowedFiles[current]?.contains(id) == true else {
            throw CardReaderError.unexpected(String(format: "EF %04X は読み取りません", id))
        }
        let response = try channel.transmit(.selectEF(id))
        guard response.isOK else { throw CardReaderError.unexpected(String(format: "SELECT EF %04X: %@", id, response.statusText)) }
    }

    /// READ BINARY from `offset`, `length` bytes, in chunks of at most 256.
    func readFile(offset: Int = 0, length: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < length {
            let response = try channel.transmit(.readBinary(offset: offset + bytes.count, length: min(256, length - bytes.count)))
            if response.status == 0x6B00 { break }  // past the end of the file
            guard response.isOK else {
                if response.status == 0x6982 { throw CardReaderError.unexpected("カードがこのファイルの読取を許可しません") }
                throw CardReaderError.unexpected("READ BINARY \(response.statusText)")
            }
            if response.data.isEmpty { break }
            bytes += response.data
        }
        return bytes
    }

    /// A file that is one TLV object: its header says how much to read.
    func readTLVFile(offset: Int = 0) throws -> [UInt8] {
        var bytes = try readFile(offset: offset, length: 8)
        guard let header = try BERTLV.header(bytes) else { throw CardReaderError.unexpected("ファイルが空です") }
        let total = header.headerLength + header.length
        guard total <= 16_384 else { throw CardReaderError.unexpected("ファイルが大きすぎます") }
        if total > bytes.count { bytes += try readFile(offset: offset + bytes.count, length: total - bytes.count) }
        return Array(bytes.prefix(total))
    }

    /// 確認AP EF 0002 is about 2 kB (face photo, images); `DF21` lists where each object
    /// starts, so only the header and the expiry are read. The offset is checked, not trusted:
    /// when the object found there is not `DF29`, the whole file is read and searched.
    func readCardFaceExpiry() throws -> String {
        let head = try readFile(length: 64)
        guard let outer = try BERTLV.header(head), outer.tag == 0xFF20, let offsets = try? BERTLV.parse(head, at: outer.headerLength),
              offsets.tag == 0xDF21, offsets.value.count >= 16 else {
            return try expiry(in: BERTLV.parse(readTLVFile()))
        }
        let at = Int(offsets.value[14]) << 8 | Int(offsets.value[15])
        let candidate = try readFile(offset: at, length: 11)
        if let object = try? BERTLV.parse(candidate), object.tag == 0xDF29 { return String(decoding: object.value, as: UTF8.self) }
        return try expiry(in: BERTLV.parse(readTLVFile()))
    }

    func expiry(in face: BERTLV) throws -> String {
        guard let value = try face.child(0xDF29)?.value else { throw CardReaderError.unexpected("券面に有効期限がありません") }
        return String(decoding: value, as: UTF8.self)
    }

    // MARK: keys

    /// The remaining tries of the current DF's key `file`; refuses a blocked key and the last try.
    func checkTries(file: UInt16, secret: CardSecret) throws {
        try selectFile(file)
        let response = try channel.transmit(.verify(nil))
        switch response.status {
        case 0x9000: return
        case 0x63C0, 0x6983, 0x6984: throw CardReaderError.blocked(secret)
        case 0x63C1: throw CardReaderError.lastTry(secret)
        case 0x63C2...0x63CF: return
        default: throw CardReaderError.unexpected("VERIFY \(response.statusText)")
        }
    }

    func verify(file: UInt16, secret: CardSecret, value: [UInt8], triesChecked: Bool = false) throws {
        if !triesChecked { try checkTries(file: file, secret: secret) }
        let response = try channel.transmit(.verify(value))
        switch response.status {
        case 0x9000: return
        case 0x63C0, 0x6983, 0x6984: throw CardReaderError.blocked(secret)
        case 0x63C1...0x63CF: throw CardReaderError.wrongCode(secret, triesLeft: Int(response.sw2 & 0x0F))
        default: throw CardReaderError.unexpected("VERIFY \(response.statusText)")
        }
    }

    /// `YYYYMMDD` → `YYYY-MM-DD`, refusing what is not a date.
    static func isoDate(_ digits: String) throws -> String {
        guard digits.count == 8, let date = CalendarDate("\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))") else {
            throw CardReaderError.unexpected("日付の形式が正しくありません（\(digits.count)桁）")
        }
        return date.description
    }
}

extension MyNumberCard {
    /// Only the JPKI part, needing no secret: is this a My Number card, and until when is its
    /// user-authentication certificate valid (the terminal's set-up check).
    public mutating func identify() throws -> CalendarDate {
        try select(.jpki, orWrongCard: "JPKIのアプリケーションがありません")
        try selectFile(0x0006)
        let token = String(decoding: try readFile(length: 32), as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
        guard token == Self.cardToken else { throw CardReaderError.wrongCard(token.isEmpty ? "トークンなし" : token) }
        try selectFile(0x000A)
        return CalendarDate(try CertificateExpiry.notAfter(der: try readTLVFile()))
    }
}
