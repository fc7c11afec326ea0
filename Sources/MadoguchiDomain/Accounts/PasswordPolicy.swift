/// The minimum rules a new staff password must meet (E3, ASVS 5.0 V6.2).
///
/// Length, not composition, is what the ASVS asks for; bcrypt reads only the first 72 bytes, so
/// longer passwords are refused rather than silently truncated.
public struct PasswordPolicy: Sendable {
    public var minimumLength: Int

    public static let maximumBytes = 72

    public init(minimumLength: Int = 12) {
        self.minimumLength = minimumLength
    }

    /// Japanese messages for every rule the password breaks; empty when it is acceptable.
    public func violations(password: String, login: String) -> [String] {
        var problems: [String] = []
        if password.count < minimumLength {
            problems.append("パスワードは\(minimumLength)文字以上にしてください。")
        }
        if password.utf8.count > Self.maximumBytes {
            problems.append("パスワードは\(Self.maximumBytes)バイト以内にしてください（全角文字は1文字3バイトです）。")
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
