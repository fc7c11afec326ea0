import Hummingbird

/// Errors a handler throws on purpose. One middleware turns them into a Japanese HTML page or an
/// RFC 9457 problem document; anything else becomes a 500 that shows only a reference id.
public enum AppError: Error, Sendable {
    case notFound
    case unauthorized
    case forbidden
    case badRequest(String)
    case csrfRejected
    case invalidInput([FieldError])
    case conflict(String)
    case payloadTooLarge
    case tooManyRequests(String)
    /// A business rule said no (a full slot, a duplicate booking): its own status and problem type.
    case refused(status: HTTPResponse.Status, slug: String, message: String)

    public struct FieldError: Sendable, Codable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    var status: HTTPResponse.Status {
        switch self {
        case .notFound: .notFound
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .badRequest: .badRequest
        case .csrfRejected: .forbidden
        case .invalidInput: .unprocessableContent
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .tooManyRequests: .tooManyRequests
        case .refused(let status, _, _): status
        }
    }

    /// Short Japanese title for people.
    var title: String {
        switch self {
        case .notFound: "ページが見つかりません"
        case .unauthorized: "ログインが必要です"
        case .forbidden: "この操作の権限がありません"
        case .badRequest: "リクエストが正しくありません"
        case .csrfRejected: "フォームの有効期限が切れました"
        case .invalidInput: "入力内容に誤りがあります"
        case .conflict: "他の操作と競合しました"
        case .payloadTooLarge: "送信データが大きすぎます"
        case .tooManyRequests: "操作の回数が多すぎます"
        case .refused(let status, _, _): status == .conflict ? "お受けできませんでした" : "リクエストを処理できません"
        }
    }

    var detail: String {
        switch self {
        case .notFound: "指定されたページまたはデータはありません。"
        case .unauthorized: "ログインしてから操作してください。"
        case .forbidden: "必要な権限がありません。権限が必要な場合はシステム管理者に連絡してください。"
        case .badRequest(let message): message
        case .csrfRejected: "画面を開き直してから、もう一度操作してください。"
        case .invalidInput(let errors): errors.map(\.message).joined(separator: " ")
        case .conflict(let message): message
        case .payloadTooLarge: "送信できるデータの大きさを超えています。"
        case .tooManyRequests(let message): message
        case .refused(_, _, let message): message
        }
    }

    /// Stable problem type slug for API clients.
    var slug: String {
        switch self {
        case .notFound: "not-found"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .badRequest: "bad-request"
        case .csrfRejected: "csrf-rejected"
        case .invalidInput: "invalid-input"
        case .conflict: "conflict"
        case .payloadTooLarge: "payload-too-large"
        case .tooManyRequests: "rate-limited"
        case .refused(_, let slug, _): slug
        }
    }
}
