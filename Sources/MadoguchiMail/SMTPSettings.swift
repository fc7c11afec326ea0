import Foundation

/// Where mail goes (#16): `MADOGUCHI_SMTP_URL` = `smtp://user:pass@host:587` (STARTTLS, required
/// when the URL has credentials or `?starttls=required`), `smtps://user:pass@host:465` (TLS from
/// the first byte), or `smtp://host:25?starttls=off` for a relay on the closed network that
/// speaks plain SMTP. User and password are percent-decoded.
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable {
        case implicitTLS, startTLS, plain
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// PEM file of the CA that signed the relay's certificate (else the system store).
    public var trustRootsFile: String?
    /// The name this host gives in EHLO.
    public var heloName: String

    public init(url text: String, trustRootsFile: String? = nil, heloName: String = "madoguchi.localdomain") throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme, let host = url.host, !host.isEmpty else {
            throw SMTPError.settings("MADOGUCHI_SMTP_URL is not a URL (smtp://user:pass@host:587)")
        }
        let starttls = url.queryItems?.first { $0.name == "starttls" }?.value
        switch scheme {
        case "smtps":
            security = .implicitTLS
            port = url.port ?? 465
        case "smtp":
            port = url.port ?? 587
            security = starttls == "off" ? .plain : .startTLS
        default:
            throw SMTPError.settings("MADOGUCHI_SMTP_URL must start with smtp:// or smtps://")
        }
        if security == .plain, url.user != nil { throw SMTPError.settings("credentials are never sent without TLS: drop ?starttls=off") }
        self.host = host
        username = url.percentEncodedUser?.removingPercentEncoding
        password = url.percentEncodedPassword?.removingPercentEncoding
        self.trustRootsFile = trustRootsFile
        self.heloName = heloName
    }

    /// The URL without the password, for logs and the status page.
    public var redacted: String { "\(security == .implicitTLS ? "smtps" : "smtp")://\(username.map { "\($0)@" } ?? "")\(host):\(port)" }
}

/// Why a message was not taken: `temporary` (4xx, a dropped connection) is tried again later,
/// `permanent` (5xx) is not.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case temporary(code: Int, text: String)
    case permanent(code: Int, text: String)
    case connection(String)
    case settings(String)

    public var isPermanent: Bool {
        if case .permanent = self { return true }
        if case .settings = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .temporary(let code, let text), .permanent(let code, let text): "\(code) \(text)"
        case .connection(let why): "connection: \(why)"
        case .settings(let why): why
        }
    }
}
