/// The minimum rules a new staff password must meet (E3, ASVS 5.0 V6.2).
///
/// Length, not composition, is what the ASVS asks for: at least 12 characters, up to 256 (a
/// passphrase; `PasswordHasher` pre-hashes, so every character counts), and not one of the
/// commonly used or breached passwords (`CommonPasswords`).
public struct PasswordPolicy: Sendable {
    public var minimumLength: Int

    public static let maximumLength = 256

    public init(minimumLength: Int = 12) {
        self.minimumLength = minimumLength
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
        if Self.commonPasswords.contains(lowered) || Set(password).count <= 2 {
            problems.append("推測されやすいパスワードは使えません。")
        }
        return problems
    }

    /// A short deny-list of passwords seen in every breach corpus.
    static let commonPasswords: Set<String> = [
        "password1234", "password12345", "123456789012", "qwertyuiop12", "1qaz2wsx3edc",
        "administrator", "madoguchi1234", "passw0rd1234", "abcdefghijkl", "iloveyou1234",
    ]
}
