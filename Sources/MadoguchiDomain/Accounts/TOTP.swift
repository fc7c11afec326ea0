import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) for staff MFA (#13, ASVS 6.5).
///
/// The defaults are what every authenticator app reads from an `otpauth://` QR code without
/// extra parameters: HMAC-SHA-1, 6 digits, 30-second steps. A code is accepted for the step
/// before and after the current one (clock drift of the phone), and each step once only: the
/// caller keeps the last accepted step and passes it as `after`.
public struct TOTP: Sendable {
    public enum Algorithm: String, Sendable {
        case sha1 = "SHA1", sha256 = "SHA256", sha512 = "SHA512"
    }

    public let secret: [UInt8]
    public let digits: Int
    public let period: TimeInterval
    public let algorithm: Algorithm

    public init(secret: [UInt8], digits: Int = 6, period: TimeInterval = 30, algorithm: Algorithm = .sha1) {
        self.secret = secret
        self.digits = digits
        self.period = period
        self.algorithm = algorithm
    }

    /// A new random 160-bit secret (RFC 4226 §4 recommends at least 128, SHA-1's block suggests 160).
    public static func newSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The time step a moment falls in (T in RFC 6238 §4.2, with T0 = 0).
    public func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code for one step (RFC 4226 §5.3: dynamic truncation of the HMAC).
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let key = SymmetricKey(data: secret)
        let mac: [UInt8] = switch algorithm {
        case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    public func code(at date: Date) -> String { code(step: step(at: date)) }

    /// The step a typed code belongs to, if it is valid now (±`window` steps) and later than
    /// `after` (the last step accepted for this secret: a code is good once only).
    public func acceptedStep(for typed: String, at date: Date, after: Int64?, window: Int64 = 1) -> Int64? {
        let code = typed.filter { !$0.isWhitespace && $0 != "-" }
        guard code.count == digits, code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let now = step(at: date)
        var found: Int64?
        // Every candidate is compared, so the time taken does not tell which step matched.
        for candidate in (now - window)...(now + window) where SecureToken.constantTimeEquals(self.code(step: candidate), code) {
            if after.map({ candidate > $0 }) ?? true { found = candidate }
        }
        return found
    }

    /// The enrolment URI authenticator apps read from a QR code (Google's Key URI format).
    public func provisioningURI(issuer: String, account: String) -> String {
        func escape(_ s: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
        }
        var uri = "otpauth://totp/\(escape(issuer)):\(escape(account))?secret=\(Base32.encode(secret))&issuer=\(escape(issuer))"
        if algorithm != .sha1 { uri += "&algorithm=\(algorithm.rawValue)" }
        if digits != 6 { uri += "&digits=\(digits)" }
        if period != 30 { uri += "&period=\(Int(period))" }
        return uri
    }
}

/// RFC 4648 base32 (the alphabet authenticator apps use for TOTP secrets), without padding.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return out
    }

    /// nil when the text has a character outside the alphabet (spaces, hyphens and `=` are ignored).
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased() where !" -=".contains(character) {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return out
    }
}
