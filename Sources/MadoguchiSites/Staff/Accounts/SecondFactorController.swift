import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The second step of staff sign-in (#13): a code from the authenticator app or a recovery code;
/// enrolment by QR code when a role requires MFA and none is set up; the own account's MFA page.
struct SecondFactorController {
    let accounts: AccountDesk
    let renderer: PageRenderer
    let configuration: SiteConfiguration
    var tls: Bool { configuration.tlsEnabled }

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/login/mfa", .signingIn(.mfa), use: showCode)
            .post("/login/mfa", .signingIn(.mfa), use: checkCode)
            .get("/login/mfa-setup", .signingIn(.enrol), use: showSetup)
            .post("/login/mfa-setup", .signingIn(.enrol), use: confirmSetup)
            // "ログインをやめる": the half-signed-in session ends now, not after its ten minutes.
            .post("/login/mfa/cancel", .signingIn(.mfa), use: cancel)
            .post("/login/mfa-setup/cancel", .signingIn(.enrol), use: cancel)
            .get("/account/mfa", .signedIn, use: showAccount)
            .post("/account/mfa/recovery-codes", .signedIn, use: regenerate)
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let session = context.session { try await accounts.signOut(session, caller: context.caller) }
        var response = Responses.redirect("/login?logged_out=1")
        response.setCookie(SessionCookie.clear(tls: tls))
        return response
    }

    func next(_ request: Request, _ context: AppRequestContext) -> String {
        Responses.safeNext(context.form["next"] ?? request.uri.queryParameters["next"].map(String.init))
    }

    /// Asks for the six-digit code (or a recovery code).
    @Sendable func showCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        try codePage(request, context, error: "", status: .ok)
    }

    /// Checks the code; a right one replaces the session with a full one.
    @Sendable func checkCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = context.session else { throw AppError.unauthorized }
        let typed = context.form.text("code")
        guard !typed.isEmpty else { return try codePage(request, context, error: "確認コードを入力してください。", status: .unprocessableContent) }
        switch try await accounts.verifySecondFactor(typed, session: session, userAgent: request.headers[.userAgent] ?? "",
                                                     caller: context.caller) {
        case .signedIn(let token):
            var response = Responses.redirect(next(request, context))
            response.setCookie(SessionCookie.make(token, tls: tls))
            return response
        case .wrongCode:
            return try codePage(request, context, error: "確認コードが正しくないか、すでに使われています。認証アプリの最新のコードを入力してください。",
                                status: .unauthorized)
        case .locked:
            var response = Responses.redirect("/login?locked=1")
            response.setCookie(SessionCookie.clear(tls: tls))
            return response
        }
    }

    func codePage(_ request: Request, _ context: AppRequestContext, error: String, status: HTTPResponse.Status) throws -> Response {
        let model = AccountsModels.SecondFactor(csrf: context.session?.csrfToken ?? "", next: next(request, context),
                                                login: context.session?.identity.login ?? "", error: error,
                                                maxFailures: configuration.maxFailedLogins)
        return try renderer.response("login-mfa", model, status: status)
    }

    /// Shows the QR code and key to add to an authenticator app.
    @Sendable func showSetup(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await setupPage(request, context, error: "", status: .ok)
    }

    /// The first code confirms the enrolment; the recovery codes are shown once.
    @Sendable func confirmSetup(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = context.session else { throw AppError.unauthorized }
        guard let (token, codes) = try await accounts.confirmEnrolment(context.form.text("code"), session: session,
                                                                       userAgent: request.headers[.userAgent] ?? "", caller: context.caller) else {
            return try await setupPage(request, context, error: "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。",
                                       status: .unprocessableContent)
        }
        var response = try renderer.response("mfa-codes", AccountsModels.RecoveryCodes(codes: codes, next: next(request, context), enrolled: true))
        response.setCookie(SessionCookie.make(token, tls: tls))
        return response
    }

    func setupPage(_ request: Request, _ context: AppRequestContext, error: String, status: HTTPResponse.Status) async throws -> Response {
        guard let session = context.session else { throw AppError.unauthorized }
        let enrolment = try await accounts.beginEnrolment(session.identity)
        let model = AccountsModels.SecondFactorSetup(csrf: session.csrfToken, next: next(request, context), login: session.identity.login,
                                                     secret: enrolment.secret, qr: enrolment.qrSVG, error: error)
        return try renderer.response("mfa-setup", model, status: status)
    }

    /// The own account's second factor: since when, and how many recovery codes are left.
    @Sendable func showAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await accountPage(context, error: "", status: .ok)
    }

    /// New recovery codes for a current code (the old ones stop working).
    @Sendable func regenerate(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let identity = context.identity else { throw AppError.unauthorized }
        guard let codes = try await accounts.regenerateRecoveryCodes(context.form.text("code"), identity: identity, caller: context.caller) else {
            return try await accountPage(context, error: "確認コードが正しくないか、すでに使われています。", status: .unprocessableContent)
        }
        return try renderer.response("mfa-codes", AccountsModels.RecoveryCodes(codes: codes, next: "/account/mfa", enrolled: false))
    }

    func accountPage(_ context: AppRequestContext, error: String, status: HTTPResponse.Status) async throws -> Response {
        guard let identity = context.identity else { throw AppError.unauthorized }
        let state = try await accounts.secondFactorState(userID: identity.userID)
        let model = AccountsModels.AccountSecondFactor(enrolled: state.enrolled,
                                                       enrolledAt: state.enrolledAt.map(JapaneseDate.dateTime) ?? "",
                                                       codesLeft: state.recoveryCodesLeft, error: error)
        return try renderer.staff("account-mfa", context, title: "2段階認証", model, status: status)
    }
}
