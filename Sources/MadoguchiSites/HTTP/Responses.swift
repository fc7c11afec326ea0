import Foundation
import Hummingbird
import MadoguchiReports
import MadoguchiServices

/// Small response builders shared by the controllers.
enum Responses {
    /// A CSV download a desk prepared: the header first, then the rows flushed in chunks of
    /// about 64 KB, so memory stays flat whatever the row count.
    static func csv(_ export: TableExport, encoding: TextEncoding, substitute: Bool) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = encoding.contentType
        headers[.cacheControl] = "no-store"
        headers[.contentDisposition] = "attachment; filename=\"\(export.filename)\""
        let body = ResponseBody { writer in
            let csv = CSVExport(encoding: encoding, columns: export.columns, substitute: substitute)
            var buffer = ByteBuffer(bytes: try csv.header())
            try await export.rows { cells in
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

    /// A PDF shown in the browser (printable), never cached.
    static func pdf(_ data: Data, filename: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] = "inline; filename=\"\(filename)\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A JSON request body (at most 64 KB) as `T`; anything else is a 400 with a Japanese message.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let body = try await request.body.collect(upTo: 64 * 1024)
        let data = Data(buffer: body)
        try EdgeText.check(json: data)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw AppError.badRequest("JSON の形式が正しくありません。")
        }
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
    /// A post-login destination: a plain path on this site only (#13). Browsers drop tabs and
    /// line breaks from URLs, so `/\t/evil.example` would become `//evil.example`: any
    /// whitespace or control character, a backslash, a second leading slash (also encoded) or a
    /// scheme sends the user home instead.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), next.count <= 2000 else { return "/" }
        if next.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control
            || $0.properties.generalCategory == .format }) { return "/" }
        for candidate in [next, next.removingPercentEncoding ?? next] {
            if candidate.hasPrefix("//") || candidate.contains("\\") || candidate.contains("://") { return "/" }
        }
        return next
    }
}
