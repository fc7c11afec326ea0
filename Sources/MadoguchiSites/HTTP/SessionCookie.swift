import Hummingbird

/// The staff session cookie: HttpOnly, SameSite=Lax, and Secure with the `__Host-` prefix when TLS
/// is in front (ASVS 5.0 V3.3). No Max-Age: it ends with the browser as well as with the idle timeout.
enum SessionCookie {
    static func name(tls: Bool) -> String { tls ? "__Host-madoguchi_session" : "madoguchi_session" }
    static let loginCSRFName = "madoguchi_login_csrf"

    static func make(_ token: String, tls: Bool) -> Cookie {
        Cookie(name: name(tls: tls), value: token, path: "/", secure: tls, httpOnly: true, sameSite: .lax)
    }

    static func clear(tls: Bool) -> Cookie {
        Cookie(name: name(tls: tls), value: "", maxAge: 0, path: "/", secure: tls, httpOnly: true, sameSite: .lax)
    }

    /// The double-submit token that protects the login form itself (there is no session yet).
    static func loginCSRF(_ value: String, tls: Bool) -> Cookie {
        Cookie(name: loginCSRFName, value: value, path: "/login", secure: tls, httpOnly: true, sameSite: .strict)
    }
}
