import Foundation

/// The `notAfter` of an X.509 certificate in DER, walked by hand: Certificate → tbsCertificate →
/// [version] serial signature issuer validity → notAfter. Nothing else of the certificate is used
/// (its subject carries no personal data on this card anyway).
public enum CertificateExpiry {
    public static func notAfter(der: [UInt8]) throws -> Date {
        let certificate = try BERTLV.parse(der)
        guard certificate.tag == 0x30 else { throw CardReaderError.unexpected("証明書の形式が正しくありません") }
        let tbs = try BERTLV.parseAll(certificate.value).first
        guard let tbs, tbs.tag == 0x30 else { throw CardReaderError.unexpected("証明書の形式が正しくありません") }
        var fields = try BERTLV.parseAll(tbs.value)
        if fields.first?.tag == 0xA0 { fields.removeFirst() }  // [0] version
        // serialNumber, signature, issuer, validity
        guard fields.count >= 4, fields[3].tag == 0x30 else { throw CardReaderError.unexpected("証明書に有効期間がありません") }
        let validity = try BERTLV.parseAll(fields[3].value)
        guard validity.count == 2 else { throw CardReaderError.unexpected("証明書の有効期間が正しくありません") }
        return try time(validity[1])
    }

    /// UTCTime (`YYMMDDHHMMSSZ`, years 1950–2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
    static func time(_ object: BERTLV) throws -> Date {
        let text = String(decoding: object.value, as: UTF8.self)
        let digits: String
        switch object.tag {
        case 0x17:
            guard let yy = Int(text.prefix(2)) else { throw CardReaderError.unexpected("証明書の日時が正しくありません") }
            digits = String(yy < 50 ? 2000 + yy : 1900 + yy) + text.dropFirst(2)
        case 0x18: digits = text
        default: throw CardReaderError.unexpected("証明書の日時の型が正しくありません")
        }
        guard digits.count == 15, digits.hasSuffix("Z") else { throw CardReaderError.unexpected("証明書の日時が正しくありません") }
        func part(_ from: Int, _ length: Int) -> Int? { Int(digits.dropFirst(from).prefix(length)) }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        components.year = part(0, 4)
        components.month = part(4, 2)
        components.day = part(6, 2)
        components.hour = part(8, 2)
        components.minute = part(10, 2)
        components.second = part(12, 2)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard components.year != nil, components.month != nil, let date = calendar.date(from: components) else {
            throw CardReaderError.unexpected("証明書の日時が正しくありません")
        }
        return date
    }
}
