import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// Resident-registry lookup (住基照会, C5): by kana, name, date of birth or address, over the
/// imported extract. Every lookup is audited with which conditions were given (not their values).
struct RegistryController {
    let ledger: LedgerDesk
    let renderer: PageRenderer

    var routes: GuardedRoutes {
        GuardedRoutes().get("/registry", .permission(.registryView), use: lookup)
    }

    @Sendable func lookup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let query = RegistryQuery(kana: q["kana"].map(String.init) ?? "", name: q["name"].map(String.init) ?? "",
                                  birthDate: q["birth"].flatMap { FileDate.parse(String($0)) }, address: q["address"].map(String.init) ?? "")
        let people = try await ledger.lookUpRegistry(query, caller: context.caller)
        let current = try await ledger.currentRegistryExtract()
        let model = LedgerModels.Registry(
            kana: query.kana, name: query.name, birth: q["birth"].map(String.init) ?? "", address: query.address, searched: !query.isEmpty,
            count: people.count, people: people.map(RegistryView.Person.init),
            extract: current.map { .init(fileName: $0.fileName, at: JapaneseDate.dateTime($0.at), rows: $0.rows) }, hasExtract: current != nil,
            canWrite: context.caller.has(.ledgerWrite))
        return try renderer.staff("registry", context, title: "住基照会", current: "/registry", model)
    }
}
