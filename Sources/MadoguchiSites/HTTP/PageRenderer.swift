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

    /// The HTML of `template` for `page`; an unknown template is a programming error shown as 500.
    public func html(_ template: String, _ page: any MustacheParent) throws -> String {
        guard let html = library.render(page, withTemplate: template) else { throw RenderError.missingTemplate(template) }
        return html
    }

    public func response(_ template: String, _ page: any MustacheParent, status: HTTPResponse.Status = .ok) throws -> Response {
        let html = try html(template, page)
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        // Pages carry personal data: never keep them in shared or browser caches.
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    enum RenderError: Error { case missingTemplate(String) }
}

/// The error page (and the closed and maintenance pages, which look the same).
struct ErrorPage: PageModel {
    let title: String
    let detail: String
    let reference: String
    let status: Int
}
