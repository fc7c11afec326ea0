import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The counter terminal's agent (`madoguchi-card-agent`, #15): a long poll for its next read job
/// and the answer. Bearer token with scope `card.terminal` only.
struct CardTerminalApiController {
    let cardReader: CardReaderDesk

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/api/v1/card-terminal/jobs/next", .permission(.cardTerminal), use: next)
            .post("/api/v1/card-terminal/jobs/:job/result", .permission(.cardTerminal), use: result)
    }

    struct JobView: Encodable {
        let id: UUID
        let unlock: String
        /// 照合番号B, once, to the terminal that took the job (the row no longer holds it).
        let code: String?
        let purpose: String
        let expiresAt: Date
    }

    @Sendable func next(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let wait = Int(query["wait"].map(String.init) ?? "") ?? 0
        guard let claimed = try await cardReader.next(terminal: query["terminal"].map(String.init) ?? "", reader: query["reader"].map(String.init) ?? "",
                                                      agentVersion: query["version"].map(String.init) ?? "", wait: wait, caller: context.caller)
        else { return Response(status: .noContent, headers: [.cacheControl: "no-store"]) }
        let job = claimed.job
        return try Responses.json(JobView(id: job.id, unlock: job.unlock.rawValue, code: claimed.code?.digits, purpose: job.purpose.rawValue,
                                          expiresAt: job.expiresAt))
    }

    struct ResultBody: Decodable {
        let terminal: String
        let reader: String?
        let reading: CardReading?
        let failure: Failure?

        struct Failure: Decodable {
            let code: String
            let message: String
        }
    }

    @Sendable func result(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = UUID(uuidString: context.parameters.get("job") ?? "") else { throw AppError.notFound }
        let body = try await Responses.decode(ResultBody.self, from: request)
        let answer: CardReaderDesk.Answer
        if let reading = body.reading {
            answer = .reading(reading)
        } else if let failure = body.failure {
            answer = .failure(code: failure.code, message: failure.message)
        } else {
            throw AppError.invalidInput([.init(field: "reading", message: "reading か failure のどちらかが必要です。")])
        }
        try await cardReader.answer(id, terminal: body.terminal, reader: body.reader ?? "", answer, caller: context.caller)
        return Response(status: .noContent)
    }
}
