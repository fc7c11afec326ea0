/// The minimum rules a new staff password must meet (E3, ASVS 5.0 V6.2).
///
/// Length, not composition, is what the ASVS asks for: at least 12 characters, up to 256 (a
/// passphrase; `PasswordHasher` pre-hashes, so every character counts), and not one of the
/// commonly used or breached passwords (`CommonPasswords`).
public struct PasswordPolicy: Sendable {
    public var minimumLength: Int
    /// The breached-password list; nil only where it could not be found (a warning at start).
    public var breached: CommonPasswords?

    public static let maximumLength = 256

    public init(minimumLength: Int = 12, breached: CommonPasswords? = nil) {
        self.minimumLength = minimumLength
        self.breached = breached
    }

    /// Japanese messages for every rule the password breaks; empty when it is acceptable.
    public func violations(password: String, login: String) -> [String] {
        var problems: [String] = []
        if password.count < minimumLength {
            problems.append("パスワードは\(minimumLength)文字以上にしてください。")
        }
        if password.count > Self.maximumLength {
            problems.append("パスワードは\(Self.maximumLength)文字以内にしてください。")
        }
        let lowered = password.lowercased()
        if !login.isEmpty, lowered.contains(login.lowercased()) {
            problems.append("パスワードにログインIDを含めないでください。")
        }
        if Self.commonPasswords.contains(lowered) || Set(password).count <= 2 || breached?.contains(password) == true {
            problems.append("このパスワードは、漏えいしたパスワードの一覧にあるか推測されやすいため使えません。別のパスワードにしてください。")
        }
        return problems
    }

    /// A short deny-list kept in code, for when the breached list is missing.
    static let commonPasswords: Set<String> = [
        "password1234", "password12345", "123456789012", "qwertyuiop12", "1qaz2wsx3edc",
        "administrator", "madoguchi1234", "passw0rd1234", "abcdefghijkl", "iloveyou1234",
    ]
}
