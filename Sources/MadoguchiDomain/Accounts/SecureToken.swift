import Crypto
import Foundation

/// Random secrets handed to clients (session cookies, API tokens, CSRF tokens).
///
/// Only the SHA-256 of a session or API token is stored, so a leaked database dump does not
/// hand out working credentials (ASVS 5.0 V7).
public enum SecureToken {
    /// A URL-safe random string carrying `bytes` bytes of entropy (default 256 bits).
    public static func generate(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(raw).base64URLEncoded
    }

    /// A one-time password from an alphabet without look-alikes (0/O, 1/l/I), to be read aloud
    /// or typed from paper; 16 characters carry about 92 bits.
    public static func readablePassword(length: Int = 16) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The value stored in the database for a presented token.
    public static func digest(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// Lowercase hexadecimal SHA-256 of arbitrary bytes.
    public static func sha256Hex(_ data: some DataProtocol) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Lowercase hexadecimal SHA-256 of a string's UTF-8 bytes.
    public static func sha256HexOfString(_ text: String) -> String {
        sha256Hex(Data(text.utf8))
    }

    /// Compares two strings in time independent of where they differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

extension Data {
    /// Base64 with the URL alphabet and no padding (RFC 4648 §5).
    public var base64URLEncoded: String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
