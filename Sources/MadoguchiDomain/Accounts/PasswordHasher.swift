import Crypto
import Foundation
import HummingbirdBcrypt

/// bcrypt hashing of staff passwords (E3, ASVS 5.0 V6).
///
/// bcrypt reads only 72 bytes, so since #13 the password is first reduced to a fixed-length
/// string — base64 of HMAC-SHA-256 under a fixed label — and that is bcrypted: passwords of any
/// length count whole. Such hashes carry the prefix `$mdg-p1$`; older plain bcrypt hashes are
/// still verified and replaced at the next successful sign-in (`needsRehash`).
public struct PasswordHasher: Sendable {
    /// bcrypt work factor; the policy floor is 12.
    public let cost: UInt8
    /// A hash of a random secret at this hasher's cost, verified against when a login name is
    /// unknown, so an unknown login costs the same time as a wrong password.
    public let decoyHash: String

    public static let minimumCost: UInt8 = 12
    static let prefix = "$mdg-p1$"

    public init(cost: UInt8 = 12) {
        self.cost = max(cost, Self.minimumCost)
        decoyHash = Self.prefix + Bcrypt.hash(Self.prehash(SecureToken.generate()), cost: self.cost)
    }

    static func prehash(_ password: String) -> String {
        let key = SymmetricKey(data: Data("madoguchi password prehash v1".utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: Data(password.utf8), using: key)).base64EncodedString()
    }

    public func hash(_ password: String) -> String {
        Self.prefix + Bcrypt.hash(Self.prehash(password), cost: cost)
    }

    public func verify(_ password: String, against hash: String) -> Bool {
        if hash.hasPrefix(Self.prefix) {
            return Bcrypt.verify(Self.prehash(password), hash: String(hash.dropFirst(Self.prefix.count)))
        }
        // A hash from before #13: bcrypt of the password itself, which was limited to 72 bytes.
        guard password.utf8.count <= 72 else { return false }
        return Bcrypt.verify(password, hash: hash)
    }

    /// Whether a stored hash should be replaced after a successful sign-in: an older format, or a
    /// lower cost than configured now.
    public func needsRehash(_ hash: String) -> Bool {
        guard hash.hasPrefix(Self.prefix) else { return true }
        let parts = hash.dropFirst(Self.prefix.count).split(separator: "$")
        return parts.count < 2 || (UInt8(parts[1]) ?? 0) < cost
    }
}
