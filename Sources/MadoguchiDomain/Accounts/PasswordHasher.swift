import HummingbirdBcrypt

/// bcrypt hashing of staff passwords (E3, ASVS 5.0 V6).
public struct PasswordHasher: Sendable {
    /// bcrypt work factor; the policy floor is 12.
    public let cost: UInt8

    public static let minimumCost: UInt8 = 12

    public init(cost: UInt8 = 12) {
        self.cost = max(cost, Self.minimumCost)
    }

    /// A hash of a random secret, verified against when a login name is unknown so that an unknown
    /// login costs the same time as a wrong password and does not reveal which logins exist.
    public static let decoyHash: String = Bcrypt.hash(SecureToken.generate(), cost: 12)

    public func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public func verify(_ password: String, against hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
