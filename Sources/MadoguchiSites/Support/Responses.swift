import Foundation
import Hummingbird

/// Small response builders shared by the controllers.
enum Responses {
    /// 303 See Other: the browser follows with a GET (post/redirect/get).
    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// 303 to `path` carrying a message for the page it shows: `flash` for what was done,
    /// `error` for what was refused (post/redirect/get with feedback).
    static func redirect(_ path: String, flash: String? = nil, error: String? = nil) -> Response {
        var location = path
        for (name, value) in [("flash", flash), ("error", error)] {
            guard let value else { continue }
            location += (location.contains("?") ? "&" : "?") + name + "=" + ResidentPage.encode(value)
        }
        return redirect(location)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// A local path safe to redirect to after login (no scheme, no host, no `//`), else "/".
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("://") else { return "/" }
        return next
    }
}
