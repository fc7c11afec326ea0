import Foundation

/// Where an S3 blob store lives: `MADOGUCHI_BLOBS=s3://BUCKET/PREFIX`, the endpoint
/// (`MADOGUCHI_S3_ENDPOINT`, path-style addressing: `http://127.0.0.1:8333`), the region and the
/// credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`).
public struct S3Location: Sendable, Equatable {
    public let endpoint: URL
    public let bucket: String
    /// Object names start with this (empty, or ending in `/`).
    public let prefix: String
    public let region: String
    public let credentials: SigV4Signer.Credentials

    public init(endpoint: URL, bucket: String, prefix: String, region: String, credentials: SigV4Signer.Credentials) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        self.region = region
        self.credentials = credentials
    }

    /// Parses `s3://bucket/prefix` and reads the rest from `environment`; every missing or bad
    /// setting is named in one message.
    public init(url: String, environment: [String: String]) throws {
        guard url.hasPrefix("s3://") else { throw BlobStoreError.misconfigured("MADOGUCHI_BLOBS must look like s3://BUCKET/PREFIX, not \(url)") }
        let rest = url.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        let prefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
        var problems: [String] = []
        if !Self.isValidBucket(bucket) { problems.append("bucket name '\(bucket)' is not a valid S3 bucket name (3–63 of a–z 0–9 . -)") }
        let endpointText = environment["MADOGUCHI_S3_ENDPOINT"] ?? ""
        let endpoint = URL(string: endpointText)
        if endpointText.isEmpty {
            problems.append("MADOGUCHI_S3_ENDPOINT is not set (e.g. http://127.0.0.1:8333)")
        } else if endpoint?.host == nil || !["http", "https"].contains(endpoint?.scheme ?? "") {
            problems.append("MADOGUCHI_S3_ENDPOINT=\(endpointText) is not an http(s) URL")
        }
        let access = environment["AWS_ACCESS_KEY_ID"] ?? "", secret = environment["AWS_SECRET_ACCESS_KEY"] ?? ""
        if access.isEmpty { problems.append("AWS_ACCESS_KEY_ID is not set") }
        if secret.isEmpty { problems.append("AWS_SECRET_ACCESS_KEY is not set") }
        if !problems.isEmpty { throw BlobStoreError.misconfigured("S3 blob store: " + problems.joined(separator: "; ")) }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(endpoint: endpoint!, bucket: bucket, prefix: prefix,
                  region: environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1",
                  credentials: .init(accessKey: access, secretKey: secret, sessionToken: token))
    }

    static func isValidBucket(_ name: String) -> Bool {
        (3...63).contains(name.count) && name.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2e || $0 == 0x2d }
            && !name.hasPrefix("-") && !name.hasSuffix("-")
    }

    /// `host[:port]` as the Host header (and so the signature) carries it.
    public var hostHeader: String {
        let host = endpoint.host ?? ""
        guard let port = endpoint.port else { return host }
        let isDefault = (endpoint.scheme == "http" && port == 80) || (endpoint.scheme == "https" && port == 443)
        return isDefault ? host : "\(host):\(port)"
    }

    /// For logs and error messages: never the secret.
    public var description: String { "s3://\(bucket)/\(prefix) at \(endpoint.absoluteString)" }
}
