import ArgumentParser
import Foundation
import MadoguchiCardReader
import MadoguchiDomain

/// The agent's loop: poll, read, answer; back off while the staff site is away (a failover takes
/// about 20 s), stop when it refuses the token for good.
struct CardAgent: Sendable {
    let client: AgentClient
    let terminal: String
    let readerName: String?
    let cardWait: Double
    let pin: PinSource
    let log: AgentLog

    func run() async throws {
        log.info("agent.start", ["terminal": terminal, "server": client.server.absoluteString, "version": CardAgentCommand.version])
        var backoff = 1.0
        while !Task.isCancelled {
            do {
                let reader = (try? PCSCReader().reader(named: readerName)) ?? ""
                if let job = try await client.next(terminal: terminal, reader: reader, wait: 25) {
                    try await handle(job)
                }
                backoff = 1
            } catch let refused as AgentClient.Refused {
                log.error("agent.refused", ["detail": refused.detail, "status": String(refused.status)])
                throw ExitCode(2)
            } catch {
                log.warning("server.unavailable", ["detail": String(describing: error), "retryIn": String(Int(backoff))])
                try await Task.sleep(for: .seconds(backoff))
                backoff = min(backoff * 2, 30)
            }
        }
    }

    func handle(_ job: AgentClient.Job) async throws {
        let started = Date()
        log.info("job.start", ["job": job.id.uuidString, "unlock": job.unlock.rawValue, "purpose": job.purpose.rawValue])
        var usedReader = ""
        let result: AgentClient.Result
        do {
            let code = try job.code.map(VerificationCodeB.init)
            // Wait for a card no longer than the job lives.
            let wait = min(cardWait, max(1, job.expiresAt.timeIntervalSinceNow - 5))
            let pcsc = try PCSCReader()
            let (reader, reading) = try await pcsc.run { [readerName, pin] in
                let name = try pcsc.reader(named: readerName)
                let connection = try pcsc.connectWhenReady(reader: name, seconds: wait)
                defer { connection.disconnect() }
                var card = MyNumberCard(channel: connection)
                return (name, try card.read(unlock: job.unlock, code: code, pin: { try pin.read() }))
            }
            usedReader = reader
            result = AgentClient.Result(terminal: terminal, reader: reader, reading: reading, failure: nil)
            log.info("job.read", ["job": job.id.uuidString, "reader": reader, "ms": String(Int(Date().timeIntervalSince(started) * 1000))])
        } catch let error as CardReaderError {
            result = AgentClient.Result(terminal: terminal, reader: usedReader, reading: nil, failure: .init(code: error.code, message: error.description))
            log.warning("job.failed", ["job": job.id.uuidString, "code": error.code])
        } catch let invalid as InvalidInput {
            result = AgentClient.Result(terminal: terminal, reader: usedReader, reading: nil,
                                        failure: .init(code: "bad-code", message: invalid.problems.map(\.message).joined(separator: " ")))
            log.warning("job.failed", ["job": job.id.uuidString, "code": "bad-code"])
        }
        try await client.answer(job: job.id, result)
        log.info("job.answered", ["job": job.id.uuidString])
    }
}
