import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Sign-in and sign-out of staff (E3).
struct LoginController {
    let accounts: AccountDesk
    let renderer: PageRenderer
    let configuration: SiteConfiguration
    var tls: Bool { configuration.tlsEnabled }

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/login", .anyone, use: show)
            .post("/login", .anyone, use: login)
            .post("/logout", .signedIn, use: logout)
    }

    /// Shows the login form. Its double-submit token is kept while the browser has one, so a
    /// second tab opened on `/login` does not break the form in the first.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.identity != nil { return Responses.redirect("/") }
        var info = ""
        if context.sessionExpired || request.uri.queryParameters["expired"] != nil {
            info = "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。"
        } else if request.uri.queryParameters["logged_out"] != nil {
            info = "ログアウトしました。"
        }
        if request.uri.queryParameters["locked"] != nil {
            return try page(request, next: "/", login: "", info: "", error: LoginOutcome.locked.message, status: .init(code: 423, reasonPhrase: "Locked"))
        }
        return try page(request, next: request.uri.queryParameters["next"].map(String.init) ?? "/", login: "", info: info, error: "", status: .ok)
    }

    /// Checks the password, applies lockout, and starts a session.
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let next = Responses.safeNext(form["next"])
        let login = form.text("login").lowercased()
        let cookieToken = request.cookies[SessionCookie.loginCSRFName]?.value ?? ""
        guard !cookieToken.isEmpty, SecureToken.constantTimeEquals(form["_csrf"] ?? "", cookieToken) else {
            return try page(request, next: next, login: login, info: "", error: AppError.csrfRejected.detail, status: .forbidden, fresh: true)
        }
        guard !login.isEmpty, let password = form["password"], !password.isEmpty else {
            return try page(request, next: next, login: login, info: "", error: "ログインIDとパスワードを入力してください。", status: .unprocessableContent)
        }
        let signIn = try await accounts.signIn(login: login, password: password, userAgent: request.headers[.userAgent] ?? "",
                                               caller: context.caller)
        guard let token = signIn.token else {
            let status: HTTPResponse.Status = switch signIn.outcome {
            case .throttled: .tooManyRequests
            // 423 Locked: the right password does not help until an administrator unlocks.
            case .locked: .init(code: 423, reasonPhrase: "Locked")
            default: .unauthorized
            }
            return try page(request, next: next, login: login, info: "", error: signIn.outcome.message, status: status)
        }
        let nextParameter = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
        var response = switch signIn.stage {
        case .full: Responses.redirect(next)
        case .mfa: Responses.redirect("/login/mfa?next=" + nextParameter)
        case .enrol: Responses.redirect("/login/mfa-setup?next=" + nextParameter)
        }
        response.setCookie(SessionCookie.make(token, tls: tls))
        response.setCookie(Cookie(name: SessionCookie.loginCSRFName, value: "", maxAge: 0, path: "/login", secure: tls, httpOnly: true, sameSite: .strict))
        return response
    }

    /// Ends the session everywhere it is stored.
    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let session = context.session { try await accounts.signOut(session, caller: context.caller) }
        var response = Responses.redirect("/login?logged_out=1")
        response.setCookie(SessionCookie.clear(tls: tls))
        return response
    }

    func page(_ request: Request, next: String, login: String, info: String, error: String, status: HTTPResponse.Status,
              fresh: Bool = false) throws -> Response {
        let existing = request.cookies[SessionCookie.loginCSRFName]?.value ?? ""
        let csrf = !fresh && existing.count >= 32 ? existing : SecureToken.generate()
        let model = AccountsModels.Login(csrf: csrf, next: Responses.safeNext(next), login: login, info: info, error: error,
                                         maxFailures: configuration.maxFailedLogins)
        var response = try renderer.response("login", model, status: status)
        response.setCookie(SessionCookie.loginCSRF(csrf, tls: tls))
        return response
    }
}
