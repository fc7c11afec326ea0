import Foundation
import Hummingbird
import Mustache

/// Renders the Mustache templates shipped in the target's `Templates` folder into HTML responses.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary

    public init() async throws {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw AppError.notFound
        }
        library = try await MustacheLibrary(directory: directory.path)
    }

    /// The HTML of `template` for `context`; an unknown template is a programming error shown as 500.
    public func html(_ template: String, _ context: [String: Any]) throws -> String {
        guard let html = library.render(Self.withoutEmptyStrings(context), withTemplate: template) else {
            throw RenderError.missingTemplate(template)
        }
        return html
    }

    public func response(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        let html = try html(template, context)
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        // Staff pages carry personal data: never keep them in shared or browser caches.
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    enum RenderError: Error { case missingTemplate(String) }

    /// Mustache treats "" as true, so `{{#note}}…{{/note}}` would show the markup around an empty
    /// note. Dropping empty strings here makes every such section mean "present and non-empty";
    /// `{{note}}` still renders nothing for a missing key.
    static func withoutEmptyStrings(_ value: [String: Any]) -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, item) in value {
            if let text = item as? String, text.isEmpty { continue }
            result[key] = normalised(item)
        }
        return result
    }

    static func normalised(_ item: Any) -> Any {
        switch item {
        case let dictionary as [String: Any]: withoutEmptyStrings(dictionary)
        case let list as [[String: Any]]: list.map(withoutEmptyStrings)
        case let list as [Any]: list.map(normalised)
        default: item
        }
    }
}
