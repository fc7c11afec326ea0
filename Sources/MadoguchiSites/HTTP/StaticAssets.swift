import Crypto
import Foundation
import Hummingbird

/// CSS, JavaScript and icons served by the app itself: LGWAN terminals cannot reach a CDN.
/// The files are few and small, so they are read once and served from memory with an ETag.
public struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let data: ByteBuffer
        let contentType: String
        let etag: String
    }

    let assets: [String: Asset]

    public init() throws {
        var assets: [String: Asset] = [:]
        if let directory = Bundle.module.url(forResource: "Public", withExtension: nil) {
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where !name.hasPrefix(".") {
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                let digest = SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
                assets[name] = Asset(data: ByteBuffer(bytes: data), contentType: Self.contentType(name), etag: "\"\(digest)\"")
            }
        }
        self.assets = assets
    }

    static func contentType(_ name: String) -> String {
        switch (name as NSString).pathExtension {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        default: "application/octet-stream"
        }
    }

    func response(name: String, request: Request) throws -> Response {
        guard let asset = assets[name] else { throw AppError.notFound }
        var headers = HTTPFields()
        headers[.eTag] = asset.etag
        headers[.cacheControl] = "public, max-age=3600"
        if request.headers[.ifNoneMatch] == asset.etag {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.data))
    }
}
