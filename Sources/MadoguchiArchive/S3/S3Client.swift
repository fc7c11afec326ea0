import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Signed S3 REST calls (path-style) over AsyncHTTPClient: the few operations a blob store
/// needs. Every failure becomes a `BlobStoreError` that says what to check, never the secret.
public struct S3Client: Sendable {
    public let location: S3Location
    let signer: SigV4Signer
    let http: HTTPClient
    /// Per request, from connecting to the last byte.
    let timeout: TimeAmount

    public struct Response: Sendable {
        public let status: HTTPResponseStatus
        public let headers: HTTPHeaders
        public let body: ByteBuffer
    }

    /// A request body: bytes in memory, or a stream of known length.
    public enum Body: Sendable {
        case empty
        case bytes(ByteBuffer)
        case stream(@Sendable () -> HTTPClientRequest.Body, length: Int64)
    }

    /// The process's client for S3: connection attempts are retried for 3 s at most, then the
    /// request fails as `unavailable` (a 503 the caller can retry) instead of waiting out its
    /// whole deadline while the endpoint is down.
    public static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(60))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public init(location: S3Location, http: HTTPClient = S3Client.http, timeout: TimeAmount = .seconds(60)) {
        self.location = location
        self.signer = SigV4Signer(credentials: location.credentials, region: location.region)
        self.http = http
        self.timeout = timeout
    }

    /// The request path of an object (or of the bucket when `key` is nil), decoded.
    func path(_ key: String?) -> String {
        let base = location.endpoint.path.hasSuffix("/") ? String(location.endpoint.path.dropLast()) : location.endpoint.path
        return base + "/" + location.bucket + (key.map { "/" + $0 } ?? "")
    }

    /// Sends one signed request. `payloadHash` is the body's hex SHA-256 (S3 checks it against
    /// the signature; SeaweedFS does not, so callers also send `Content-MD5`).
    public func send(_ method: HTTPMethod, key: String?, query: [(String, String)] = [], headers extra: [(String, String)] = [],
                     body: Body = .empty, payloadHash: String = SigV4Signer.emptyPayloadHash, maxResponseBytes: Int = 1 << 20) async throws -> Response {
        var headers: [(String, String)] = [("host", location.hostHeader), ("x-amz-content-sha256", payloadHash)] + extra
        let path = path(key)
        let request = SigV4Signer.Request(method: method.rawValue, path: path, query: query, headers: headers, payloadHash: payloadHash)
        headers += signer.signingHeaders(for: request, date: Date())
        let queryString = SigV4Signer.canonicalQuery(query)
        var url = location.endpoint.scheme! + "://" + location.hostHeader + SigV4Signer.encode(path, keepSlash: true)
        if !queryString.isEmpty { url += "?" + queryString }
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = method
        for (name, value) in headers { outgoing.headers.add(name: name, value: value) }
        switch body {
        case .empty: break
        case .bytes(let buffer): outgoing.body = .bytes(buffer)
        case .stream(let make, let length): outgoing.body = make(); outgoing.headers.replaceOrAdd(name: "content-length", value: String(length))
        }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(outgoing, timeout: timeout)
        } catch {
            throw BlobStoreError.unavailable("cannot reach the S3 endpoint \(location.endpoint.absoluteString) (\(Self.describe(error)))")
        }
        let collected: ByteBuffer
        do {
            collected = try await response.body.collect(upTo: maxResponseBytes)
        } catch {
            throw BlobStoreError.unavailable("S3 response from \(location.endpoint.absoluteString) broke off (\(Self.describe(error)))")
        }
        return Response(status: response.status, headers: response.headers, body: collected)
    }

    /// Turns an S3 error response into the error a caller can act on.
    public func failure(_ response: Response, doing what: String) -> BlobStoreError {
        let error = S3XML.error(in: response.body)
        let code = error?.code ?? "HTTP \(response.status.code)"
        let message = error?.message.map { ": \($0)" } ?? ""
        let context = "\(what) on \(location.description)"
        switch (response.status.code, code) {
        case (_, "NoSuchBucket"):
            return .misconfigured("\(context): the bucket '\(location.bucket)' does not exist (create it first)")
        case (_, "InvalidAccessKeyId"), (_, "SignatureDoesNotMatch"):
            return .misconfigured("\(context): the S3 server refused the credentials (\(code)\(message)); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        case (_, "AccessDenied"), (403, _):
            // A key scoped to other buckets gets 403 for a bucket that does not exist, too.
            return .misconfigured("\(context): the S3 server denied access (\(code)\(message)); check that the bucket '\(location.bucket)' exists "
                                  + "and that AWS_ACCESS_KEY_ID may use it, and AWS_SECRET_ACCESS_KEY")
        case (_, "RequestTimeTooSkewed"):
            return .misconfigured("\(context): this machine's clock differs too much from the S3 server's (\(code))")
        case (500..., _), (429, _):
            return .unavailable("\(context): the S3 server failed (\(code)\(message))")
        default:
            return .io("\(context): \(code)\(message)")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }
}
