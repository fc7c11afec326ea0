import HTTPTypes
import Hummingbird

/// Security headers on every response of both sites (ASVS 5.0 V3.4): a CSP that allows nothing
/// from outside the app, no framing, no MIME sniffing, no referrer leaks, HSTS behind TLS.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let tlsEnabled: Bool

    static var contentSecurityPolicy: String {
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        response.headers[.permissionsPolicy] = "camera=(self), geolocation=(), microphone=()"
        if tlsEnabled {
            response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        }
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
    static let permissionsPolicy = Self("Permissions-Policy")!
    static let xCSRFToken = Self("X-CSRF-Token")!
    static let xRequestID = Self("X-Request-ID")!
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
