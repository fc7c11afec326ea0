import AsyncHTTPClient
import Foundation
import MadoguchiDomain
import NIOCore
import NIOFoundationCompat

/// The staff API as the agent uses it: two calls, a bearer token, JSON. TLS is checked against
/// the system's trust store (install the city's CA there).
struct AgentClient: Sendable {
    let server: URL
    let token: String

    struct Job: Decodable, Sendable {
        let id: UUID
        let unlock: CardUnlock
        /// 照合番号B, only for `code-b` jobs; kept in memory for the one read.
        let code: String?
        let purpose: CardReadPurpose
        let expiresAt: Date
    }

    /// The server said no to this agent for good (token revoked, name taken): stop, do not retry.
    struct Refused: Error, CustomStringConvertible {
        let status: Int
        let detail: String
        var description: String { "HTTP \(status): \(detail)" }
    }

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// Waits up to `wait` seconds on the server for this terminal's next job.
    func next(terminal: String, reader: String, wait: Int) async throws -> Job? {
        var components = URLComponents(url: server.appendingPathComponent("api/v1/card-terminal/jobs/next"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "terminal", value: terminal), URLQueryItem(name: "reader", value: reader),
                                 URLQueryItem(name: "version", value: CardAgentCommand.version), URLQueryItem(name: "wait", value: String(wait))]
        var request = HTTPClientRequest(url: components.url!.absoluteString)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await send(request, timeout: .seconds(Int64(wait) + 15))
        if response.status == 204 { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Job.self, from: response.body)
    }

    struct Result: Encodable {
        let terminal: String
        let reader: String
        let reading: CardReading?
        let failure: Failure?

        struct Failure: Encodable {
            let code: String
            let message: String
        }
    }

    func answer(job: UUID, _ result: Result) async throws {
        var request = HTTPClientRequest(url: server.appendingPathComponent("api/v1/card-terminal/jobs/\(job.uuidString)/result").absoluteString)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(result)))
        _ = try await send(request, timeout: .seconds(20))
    }

    struct Answer {
        let status: Int
        let body: Data
    }

    func send(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> Answer {
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw Unavailable(description: "the staff site did not answer: \(error)")
        }
        var body = try await response.body.collect(upTo: 1 << 20)
        let data = body.readData(length: body.readableBytes) ?? Data()
        let status = Int(response.status.code)
        switch status {
        case 200..<300: return Answer(status: status, body: data)
        case 401, 403:
            throw Refused(status: status, detail: Self.detail(data))
        default:
            throw Unavailable(description: "HTTP \(status): \(Self.detail(data))")
        }
    }

    /// The problem document's `detail` (RFC 9457), or the status alone.
    static func detail(_ data: Data) -> String {
        (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["detail"] as? String ?? ""
    }
}
