import Foundation
import MadoguchiArchive
import Testing

/// SigV4 against known answers: the AWS Signature V4 test suite (27 vectors, from botocore) and
/// the S3 API reference examples (GET with Range, PUT, list, lifecycle, presigned GET).
@Suite("AWS Signature V4")
struct SigV4SignerTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/sigv4")
    /// 2015-08-30T12:36:00Z, the suite's fixed time.
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)

    /// Every `<name>.req` in the suite folder, by name.
    static var vectors: [String] {
        let walker = FileManager.default.enumerator(atPath: fixtures.path)
        var names: [String] = []
        while let path = walker?.nextObject() as? String {
            if path.hasSuffix(".req") { names.append(String(path.dropLast(4))) }
        }
        return names.sorted()
    }

    /// Parses a raw `.req`: request line (split at the first and last space), `Name:value`
    /// headers, a blank line, the body. The path and query are %-decoded for the signer.
    static func request(_ name: String) throws -> (SigV4Signer.Request, body: String) {
        let text = try String(contentsOf: fixtures.appendingPathComponent(name + ".req"), encoding: .utf8)
        let (head, body) = text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) } ?? (text, "")
        var lines = head.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        let path = String(target.prefix { $0 != "?" })
        let queryText = target.dropFirst(path.count + 1)
        let query: [(String, String)] = queryText.isEmpty ? [] : queryText.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]).removingPercentEncoding!, parts.count > 1 ? String(parts[1]).removingPercentEncoding! : "")
        }
        let headers = lines.filter { !$0.isEmpty }.map { line -> (String, String) in
            let name = String(line.prefix { $0 != ":" })
            return (name, String(line.dropFirst(name.count + 1)))
        }
        let hash = SHA256Hex.of(body)
        return (SigV4Signer.Request(method: method, path: path.removingPercentEncoding!, query: query, headers: headers, payloadHash: hash), body)
    }

    static func expected(_ name: String, _ suffix: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(name + suffix), encoding: .utf8)
    }

    @Test("the AWS test-suite vectors: canonical request, string to sign and Authorization", arguments: vectors)
    func suiteVector(name: String) throws {
        // setup: the one vector whose token is not in its request signs it from the credentials
        let creq = try Self.expected(name, ".creq")
        let token = creq.components(separatedBy: "\n").first { $0.hasPrefix("x-amz-security-token:") && !creq.contains("X-Amz-Security-Token") }
            .map { String($0.dropFirst("x-amz-security-token:".count)) }
        var (request, _) = try Self.request(name)
        let signer = SigV4Signer(credentials: .init(accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                    sessionToken: name.hasSuffix("post-sts-header-after") ? nil : token),
                                 region: "us-east-1", service: "service")
        // act
        let added = signer.signingHeaders(for: request, date: Self.suiteDate)
        request.headers += added.filter { $0.0 != "Authorization" }
        // check
        #expect(SigV4Signer.canonicalRequest(request) == creq)
        #expect(signer.stringToSign(for: request, date: Self.suiteDate) == (try Self.expected(name, ".sts")))
        #expect(added.last?.1 == (try Self.expected(name, ".authz")))
    }

    @Test("the test suite has the 27 vectors we keep")
    func vectorCount() {
        #expect(Self.vectors.count == 27)
    }

    struct Example: Decodable {
        let name, method, path, date, region, service, accessKey, secret, payloadHash, canonicalRequest, stringToSign, signature: String
        let query: [[String]]
        let headers: [String: String]
        let authorization: String?
        let expires: Int?
        let url: String?
    }

    struct Examples: Decodable {
        let headerExamples: [Example]
        let presignedExamples: [Example]
        let signingKeyExample: [String: String]
    }

    static let examples: Examples = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("s3-examples.json"))
        return try! JSONDecoder().decode(Examples.self, from: data)
    }()

    static func date(_ stamp: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: stamp)!
    }

    @Test("the S3 reference examples: GET with Range, PUT, list and lifecycle", arguments: examples.headerExamples.map(\.name))
    func s3Example(name: String) throws {
        // setup
        let example = try #require(Self.examples.headerExamples.first { $0.name == name })
        let signer = SigV4Signer(credentials: .init(accessKey: example.accessKey, secretKey: example.secret), region: example.region, service: example.service)
        let request = SigV4Signer.Request(method: example.method, path: example.path, query: example.query.map { ($0[0], $0.count > 1 ? $0[1] : "") },
                                          headers: example.headers.map { ($0.key, $0.value) }, payloadHash: example.payloadHash)
        let date = Self.date(example.date)
        // act
        let authorization = signer.authorization(for: request, date: date)
        // check
        #expect(SigV4Signer.canonicalRequest(request) == example.canonicalRequest)
        #expect(signer.stringToSign(for: request, date: date) == example.stringToSign)
        #expect(signer.signature(for: request, date: date) == example.signature)
        #expect(authorization.replacingOccurrences(of: ", ", with: ",") == example.authorization)
    }

    @Test("the S3 reference presigned GET gives the same URL")
    func presigned() throws {
        // setup
        let example = try #require(Self.examples.presignedExamples.first)
        let signer = SigV4Signer(credentials: .init(accessKey: example.accessKey, secretKey: example.secret), region: example.region, service: example.service)
        // act
        let query = signer.presignedQuery(method: example.method, path: example.path, host: example.headers["host"]!,
                                          expires: try #require(example.expires), date: Self.date(example.date))
        let url = "https://\(example.headers["host"]!)\(example.path)?"
            + query.map { "\(SigV4Signer.encode($0.0, keepSlash: false))=\(SigV4Signer.encode($0.1, keepSlash: false))" }.joined(separator: "&")
        // check
        #expect(query.last?.1 == example.signature)
        #expect(url == example.url)
    }

    @Test("the signing key of the general SigV4 example")
    func signingKey() {
        // setup
        let example = Self.examples.signingKeyExample
        // act
        let key = SigV4Signer.signingKey(secret: example["secret"]!, day: example["date"]!, region: example["region"]!, service: example["service"]!)
        // check
        #expect(key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() } == example["signingKey"])
    }
}

/// Hex SHA-256 of a string (the payload hash the suite signs).
enum SHA256Hex {
    static func of(_ text: String) -> String { BlobRef.of(Data(text.utf8)).hex }
}
