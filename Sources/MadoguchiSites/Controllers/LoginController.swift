import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// Sign-in and sign-out of staff (E3).
struct LoginController {
    let services: SiteServices
    var tls: Bool { services.configuration.tlsEnabled }

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/login", .anyone, use: show)
            .post("/login", .anyone, use: login)
            .post("/logout", .signedIn, use: logout)
    }

    /// Shows the login form with a fresh double-submit CSRF token.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.identity != nil { return Responses.redirect("/") }
        var info: String?
        if context.sessionExpired || request.uri.queryParameters["expired"] != nil {
            info = "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。"
        } else if request.uri.queryParameters["logged_out"] != nil {
            info = "ログアウトしました。"
        }
        return try page(next: request.uri.queryParameters["next"].map(String.init) ?? "/", login: "", info: info, error: nil, status: .ok)
    }

    /// Checks the password, applies lockout, and starts a session.
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let next = Responses.safeNext(form["next"])
        let login = form.text("login").lowercased()
        let cookieToken = request.cookies[SessionCookie.loginCSRFName]?.value ?? ""
        guard !cookieToken.isEmpty, SecureToken.constantTimeEquals(form["_csrf"] ?? "", cookieToken) else {
            return try page(next: next, login: login, info: nil, error: AppError.csrfRejected.detail, status: .forbidden)
        }
        guard !login.isEmpty, let password = form["password"], !password.isEmpty else {
            return try page(next: next, login: login, info: nil, error: "ログインIDとパスワードを入力してください。", status: .unprocessableContent)
        }
        let outcome = try await services.login.authenticate(login: login, password: password, sourceAddress: context.sourceAddress,
                                                            requestID: context.requestID)
        services.metrics.recordLogin(outcome: outcome.label)
        switch outcome {
        case .success(let userID):
            let token = try await services.sessions.create(
                userID: userID, sourceAddress: context.sourceAddress,
                userAgent: request.headers[.userAgent] ?? "", on: services.database.client)
            var response = Responses.redirect(next)
            response.setCookie(SessionCookie.make(token, tls: tls))
            response.setCookie(Cookie(name: SessionCookie.loginCSRFName, value: "", maxAge: 0, path: "/login",
                                      secure: tls, httpOnly: true, sameSite: .strict))
            return response
        case .invalidCredentials:
            return try page(next: next, login: login, info: nil, error: LoginService.invalidCredentialsMessage, status: .unauthorized)
        case .throttled:
            return try page(next: next, login: login, info: nil, error: LoginService.throttledMessage, status: .tooManyRequests)
        case .locked:
            // 423 Locked: the right password does not help until an administrator unlocks.
            return try page(next: next, login: login, info: nil, error: LoginService.lockedMessage, status: .init(code: 423, reasonPhrase: "Locked"))
        }
    }

    /// Ends the session everywhere it is stored.
    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let session = context.session {
            try await services.sessions.delete(tokenHash: session.tokenHash)
            try await services.audit(context, action: "session.logout", recordType: "staff_user",
                                     recordID: String(session.identity.userID))
        }
        var response = Responses.redirect("/login?logged_out=1")
        response.setCookie(SessionCookie.clear(tls: tls))
        return response
    }

    func page(next: String, login: String, info: String?, error: String?, status: HTTPResponse.Status) throws -> Response {
        let csrf = SecureToken.generate()
        var values: [String: Any] = ["csrf": csrf, "next": Responses.safeNext(next), "login": login,
                                     "maxFailures": services.configuration.maxFailedLogins]
        if let info { values["info"] = info }
        if let error { values["error"] = error }
        var response = try services.renderer.response("login", values, status: status)
        response.setCookie(SessionCookie.loginCSRF(csrf, tls: tls))
        return response
    }
}
