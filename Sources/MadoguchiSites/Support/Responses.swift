import Foundation
import Hummingbird
import MadoguchiReports

/// Small response builders shared by the controllers.
enum Responses {
    /// A CSV download whose rows come from `rows` (which calls its argument once per row): the
    /// header first, then the body flushed in chunks of about 64 KB, so memory stays flat
    /// whatever the row count.
    static func csv(filename: String, encoding: TextEncoding, columns: [String], substitute: Bool,
                    rows: @escaping @Sendable (_ emit: ([String]) async throws -> Void) async throws -> Void) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = encoding.contentType
        headers[.cacheControl] = "no-store"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        let body = ResponseBody { writer in
            let csv = CSVExport(encoding: encoding, columns: columns, substitute: substitute)
            var buffer = ByteBuffer(bytes: try csv.header())
            try await rows { cells in
                buffer.writeBytes(try csv.line(cells))
                if buffer.readableBytes >= 65_536 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

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
