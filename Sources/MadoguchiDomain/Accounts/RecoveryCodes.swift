import Crypto
import Foundation

/// One-time recovery codes for a lost phone (#13): ten per account, shown once, stored as
/// SHA-256 only. Twenty-five characters from 31 lower-case letters and digits without look-alikes
/// carry about 124 bits, so a plain hash suffices (no offline guessing is feasible), checking one
/// is cheap, and case does not matter when it is typed from paper.
public enum RecoveryCodes {
    public static let count = 10
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
    static let length = 25

    /// `abcde-fghjk-mnpqr-stuvw-xyz23`
    public static func generate() -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let raw = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            return stride(from: 0, to: length, by: 5).map { String(raw[$0..<$0 + 5]) }.joined(separator: "-")
        }
    }

    /// What is stored for a code: the hash of its letters, lower-cased, without separators or spaces.
    public static func digest(_ typed: String) -> Data {
        let letters = typed.lowercased().filter { $0.isLetter || $0.isNumber }
        return Data(SHA256.hash(data: Data(letters.utf8)))
    }

    /// Whether text typed in the second-factor field looks like a recovery code (not a TOTP code).
    public static func looksLikeRecoveryCode(_ typed: String) -> Bool {
        typed.filter { $0.isLetter || $0.isNumber }.count == length
    }
}
