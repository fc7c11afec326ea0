import Crypto
import Foundation

/// AWS Signature Version 4 (header and query-string forms), as S3 and S3-compatible servers
/// check it. Written here because no S3 SDK is allowed; checked against the AWS test-suite
/// vectors and the S3 API reference examples (Tests/MadoguchiArchiveTests/Fixtures/sigv4).
///
/// Paths are signed as S3 wants them: each byte outside the unreserved set is %-encoded once and
/// the path is never normalised (`a//b/../c` is a valid key).
public struct SigV4Signer: Sendable {
    public struct Credentials: Sendable, Equatable {
        public let accessKey: String
        public let secretKey: String
        /// Temporary credentials' session token (signed as `x-amz-security-token`).
        public let sessionToken: String?

        public init(accessKey: String, secretKey: String, sessionToken: String? = nil) {
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.sessionToken = sessionToken
        }
    }

    /// One request as the signer sees it: the path and query decoded, the headers as sent.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [(String, String)]
        public var headers: [(String, String)]
        /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
        public var payloadHash: String

        public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [], payloadHash: String) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    static let algorithm = "AWS4-HMAC-SHA256"

    public let credentials: Credentials
    public let region: String
    public let service: String

    public init(credentials: Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    // MARK: the header form

    /// The headers to add to `request` so that it is signed at `date`: `x-amz-date` (unless the
    /// request has one), the session token if any, and `Authorization`.
    public func signingHeaders(for request: Request, date: Date) -> [(String, String)] {
        var request = request
        var added: [(String, String)] = []
        let stamp = Self.timestamp(date)
        if !request.headers.contains(where: { $0.0.lowercased() == "x-amz-date" }) { added.append(("x-amz-date", stamp)) }
        if let token = credentials.sessionToken, !request.headers.contains(where: { $0.0.lowercased() == "x-amz-security-token" }) {
            added.append(("x-amz-security-token", token))
        }
        request.headers += added
        return added + [("Authorization", authorization(for: request, date: date))]
    }

    /// The `Authorization` value for a request whose headers are all to be signed.
    public func authorization(for request: Request, date: Date) -> String {
        let signed = Self.signedHeaderNames(request.headers)
        return "\(Self.algorithm) Credential=\(credentials.accessKey)/\(scope(date)), SignedHeaders=\(signed), Signature=\(signature(for: request, date: date))"
    }

    public func signature(for request: Request, date: Date) -> String {
        Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign(for: request, date: date).utf8), using: signingKey(date)))
    }

    public func stringToSign(for request: Request, date: Date) -> String {
        let hash = Self.hex(SHA256.hash(data: Data(Self.canonicalRequest(request).utf8)))
        return [Self.algorithm, Self.timestamp(date), scope(date), hash].joined(separator: "\n")
    }

    // MARK: the query form (presigned URLs)

    /// The query parameters (the request's own first, then the `X-Amz-*` ones) of a presigned
    /// URL valid for `expires` seconds from `date`; only `host` is signed, the payload is not.
    public func presignedQuery(method: String, path: String, query: [(String, String)] = [], host: String,
                               expires: Int, date: Date) -> [(String, String)] {
        var parameters = query + [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKey)/\(scope(date))"),
            ("X-Amz-Date", Self.timestamp(date)),
            ("X-Amz-Expires", String(expires)),
        ]
        if let token = credentials.sessionToken { parameters.append(("X-Amz-Security-Token", token)) }
        parameters.append(("X-Amz-SignedHeaders", "host"))
        let request = Request(method: method, path: path, query: parameters, headers: [("host", host)], payloadHash: Self.unsignedPayload)
        return parameters + [("X-Amz-Signature", signature(for: request, date: date))]
    }

    // MARK: the parts

    /// The signing key: HMAC chain over date, region, service and "aws4_request".
    public func signingKey(_ date: Date) -> SymmetricKey {
        Self.signingKey(secret: credentials.secretKey, day: String(Self.timestamp(date).prefix(8)), region: region, service: service)
    }

    public static func signingKey(secret: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    func scope(_ date: Date) -> String { "\(Self.timestamp(date).prefix(8))/\(region)/\(service)/aws4_request" }

    public static func canonicalRequest(_ request: Request) -> String {
        let headers = canonicalHeaders(request.headers)
        return [request.method.uppercased(), encode(request.path, keepSlash: true), canonicalQuery(request.query),
                headers.map { "\($0.0):\($0.1)\n" }.joined(), signedHeaderNames(request.headers), request.payloadHash]
            .joined(separator: "\n")
    }

    /// Names lower-cased and sorted; repeated names joined by commas in the order sent; values
    /// trimmed with inner runs of spaces collapsed.
    static func canonicalHeaders(_ headers: [(String, String)]) -> [(String, String)] {
        var joined: [String: [String]] = [:]
        for (name, value) in headers {
            let collapsed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            joined[name.lowercased().trimmingCharacters(in: .whitespaces), default: []].append(collapsed)
        }
        return joined.keys.sorted().map { ($0, joined[$0]!.joined(separator: ",")) }
    }

    static func signedHeaderNames(_ headers: [(String, String)]) -> String {
        canonicalHeaders(headers).map(\.0).joined(separator: ";")
    }

    /// Pairs encoded, then sorted by name and value in byte order.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (encode($0.0, keepSlash: false), encode($0.1, keepSlash: false)) }
            .sorted { $0.0 == $1.0 ? $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// RFC 3986 encoding of every byte except A–Z a–z 0–9 - . _ ~ (and `/` in paths), upper-case hex.
    public static func encode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
