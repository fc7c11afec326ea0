import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// ICカードから読み取る (#15): the card page asks a counter terminal to read the card, shows the
/// answer beside the ledger and the registry as soon as it comes (the page checks every second),
/// and records it, or hands the card over when it is this entry's card.
struct LedgerCardReadController {
    let ledger: LedgerDesk
    let cardReader: CardReaderDesk
    let renderer: PageRenderer
    let handoverCardCheck: Bool

    var routes: GuardedRoutes {
        GuardedRoutes()
            .post("/ledger/entries/:id/card-read", .permission(.ledgerWrite), use: request)
            .get("/ledger/entries/:id/card-read/:job", .permission(.ledgerView), use: show)
            .get("/ledger/entries/:id/card-read/:job/status", .permission(.ledgerView), use: status)
            .post("/ledger/entries/:id/card-read/:job/record", .permission(.ledgerWrite), use: record)
    }

    func entry(_ context: AppRequestContext) async throws -> LedgerEntry {
        guard let id = Int64(context.parameters.get("id") ?? ""), let entry = try await ledger.find(id: id) else { throw AppError.notFound }
        return entry
    }

    func jobID(_ context: AppRequestContext) throws -> UUID {
        guard let id = UUID(uuidString: context.parameters.get("job") ?? "") else { throw AppError.notFound }
        return id
    }

    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        let form = context.form
        guard let unlock = CardUnlock(rawValue: form.text("unlock")), let purpose = CardReadPurpose(rawValue: form.text("purpose")) else {
            throw AppError.badRequest("unlock")
        }
        do {
            let job = try await cardReader.request(entry, terminal: form.text("terminal"), unlock: unlock, code: form.text("codeB"), purpose: purpose,
                                                   caller: context.caller)
            return Responses.redirect("/ledger/entries/\(entry.id)/card-read/\(job.id.uuidString)")
        } catch let invalid as InvalidInput {
            return Responses.redirect("/ledger/entries/\(entry.id)", error: invalid.problems.map(\.message).joined(separator: " "))
        } catch let refused as CardReadError {
            return Responses.redirect("/ledger/entries/\(entry.id)", error: refused.message)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        let result = try await cardReader.result(try jobID(context), entry: entry, caller: context.caller)
        var messages = PageMessages(request)
        if request.uri.queryParameters["done"] == "recorded" { messages.flash = "カード情報を記録しました。" }
        let model = LedgerModels.CardRead(result, canWrite: context.caller.has(.ledgerWrite), handoverCardCheck: handoverCardCheck)
        return try renderer.staff("ledger-card-read", context, title: "ICカードの読取 \(entry.applicationID)", current: "/ledger",
                                  messages: messages, model)
    }

    struct StatusView: Encodable {
        let status: String
        let label: String
        let finished: Bool
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> Response {
        let status = try await cardReader.status(try jobID(context), entry: try await entry(context))
        return try Responses.json(StatusView(status: status.rawValue, label: status.label, finished: status.isFinished))
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> Response {
        let entry = try await entry(context)
        let id = try jobID(context)
        do {
            _ = try await cardReader.record(id, entry: entry, caller: context.caller)
        } catch let invalid as InvalidInput {
            return Responses.redirect("/ledger/entries/\(entry.id)/card-read/\(id.uuidString)", error: invalid.problems.map(\.message).joined(separator: " "))
        } catch let refused as CardReadError {
            return Responses.redirect("/ledger/entries/\(entry.id)/card-read/\(id.uuidString)", error: refused.message)
        }
        return Responses.redirect("/ledger/entries/\(entry.id)/card-read/\(id.uuidString)?done=recorded")
    }
}
