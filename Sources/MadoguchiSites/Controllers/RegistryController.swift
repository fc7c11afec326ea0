import Foundation
import Hummingbird
import MadoguchiDatabase
import MadoguchiDomain

/// Resident-registry lookup (住基照会, C5): by kana, name, date of birth or address, over the
/// imported extract. Every lookup is audited with its conditions' kinds (not their values).
struct RegistryController {
    let services: SiteServices

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/registry", .permission(.registryView), use: lookup)
    }

    @Sendable func lookup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let query = RegistryQuery(kana: q["kana"].map(String.init) ?? "", name: q["name"].map(String.init) ?? "",
                                        birthDate: q["birth"].flatMap { FileDate.parse(String($0)) }, address: q["address"].map(String.init) ?? "")
        let people = try await services.registry.search(query)
        if !query.isEmpty {
            let given = [("kana", !query.kana.isEmpty), ("name", !query.name.isEmpty), ("birth", query.birthDate != nil), ("address", !query.address.isEmpty)]
            try await services.audit(context, action: "registry.search", recordType: "registry",
                                     detail: "条件=\(given.filter(\.1).map(\.0).joined(separator: ",")) 件数=\(people.count)")
        }
        let current = try await services.registry.current()
        let values: [String: Any] = [
            "kana": query.kana, "name": query.name, "birth": q["birth"].map(String.init) ?? "", "address": query.address,
            "searched": !query.isEmpty, "count": people.count,
            "people": people.map { p -> [String: Any] in
                ["name": p.name, "kana": p.kana, "birthDate": LedgerController.wareki(p.birthDate), "sex": p.sex.label, "address": p.address,
                 "juki": p.jukiCard ? "有" : "無", "status": p.status.label, "moved": p.status != .resident]
            },
            "extract": current.map { ["fileName": $0.fileName, "at": JapaneseDate.dateTime($0.at), "rows": $0.rows] } ?? [:],
            "hasExtract": current != nil,
            "canWrite": context.identity?.has(.ledgerWrite) ?? false,
        ]
        return try services.renderer.response("registry", StaffPage.context(context, title: "住基照会", current: "/registry", values))
    }
}
