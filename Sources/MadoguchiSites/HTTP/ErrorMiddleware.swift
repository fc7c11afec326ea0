import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices
import Logging

/// Turns every error into a response a person or an API client can use, without internals.
///
/// HTML pages get a Japanese message and the request id as a reference number; `/api/` paths get
/// `application/problem+json` (RFC 9457). Unexpected errors are logged in full with the same id
/// and shown only as "システムエラー" — never a stack trace, SQL or an error description.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let renderer: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = self.response(for: error, request: request, context: context)
            // Busy and rate-limited refusals say when to try again (RFC 9110 §10.2.3).
            if let busy = error as? ServiceBusy ?? TransientFailure.busy(for: error) { response.headers[.retryAfter] = String(busy.retryAfterSeconds) }
            if TransientFailure.busy(for: error) != nil {
                context.logger.warning("dependency unavailable", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            }
            if error is RateLimited { response.headers[.retryAfter] = "60" }
            if let refusal = error as? MethodNotAllowed { response.headers[.allow] = refusal.allowHeader }
        }
        response.headers[.xRequestID] = context.requestID
        return response
    }

    func response(for error: any Error, request: Request, context: Context) -> Response {
        let appError: AppError?
        let status: HTTPResponse.Status
        if let mapped = AppError(domain: error) {
            appError = mapped
            status = mapped.status
        } else if let error = error as? any HTTPResponseError {
            appError = Self.translate(error.status)
            status = error.status
        } else {
            appError = nil
            status = .internalServerError
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
        }
        let title = appError?.title ?? "システムエラー"
        let detail = appError?.detail ?? "処理中にエラーが発生しました。時間をおいて再度お試しください。続く場合は参照番号をシステム管理者に伝えてください。"
        if Self.wantsJSON(request) {
            var problem: [String: AnyCodable] = [
                "type": .string("https://madoguchi.invalid/problems/\(appError?.slug ?? "internal-error")"),
                "title": .string(title), "status": .int(Int(status.code)), "detail": .string(detail),
                "instance": .string(context.requestID),
            ]
            if case .invalidInput(let errors) = appError {
                problem["errors"] = .array(errors.map { .object(["field": .string($0.field), "message": .string($0.message)]) })
            }
            var response = (try? Responses.json(problem, status: status)) ?? Response(status: status)
            response.headers[.contentType] = "application/problem+json; charset=utf-8"
            if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"madoguchi\"" }
            return response
        }
        let page = ErrorPage(title: title, detail: detail, reference: context.requestID, status: Int(status.code))
        if let response = try? renderer.response("error", page, status: status) { return response }
        return Response(status: status, body: .init(byteBuffer: ByteBuffer(string: "\(title) (参照番号: \(context.requestID))")))
    }

    static func wantsJSON(_ request: Request) -> Bool {
        request.uri.path.hasPrefix("/api/")
            || (request.headers[.accept]?.contains("application/json") ?? false && !(request.headers[.accept]?.contains("text/html") ?? false))
    }

    static func translate(_ status: HTTPResponse.Status) -> AppError? {
        switch status {
        case .notFound, .methodNotAllowed: .notFound
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .contentTooLarge: .payloadTooLarge
        case .badRequest: .badRequest("リクエストの形式が正しくありません。")
        default: nil
        }
    }
}

/// Just enough JSON value to write problem documents without a dictionary of `Any`.
enum AnyCodable: Encodable, Sendable {
    case string(String), int(Int), bool(Bool), array([AnyCodable]), object([String: AnyCodable]), null

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let v): try container.encode(v)
        case .int(let v): try container.encode(v)
        case .bool(let v): try container.encode(v)
        case .array(let v): try container.encode(v)
        case .object(let v): try container.encode(v)
        case .null: try container.encodeNil()
        }
    }
}
