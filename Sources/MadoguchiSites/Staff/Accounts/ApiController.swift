import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiServices

/// The staff JSON API's own endpoints (`/api/v1`): the OpenAPI document, the caller, and users.
/// Each area adds its routes in its own controller under the same prefix.
struct ApiController {
    let accounts: AccountDesk
    let openAPIDocument: ByteBuffer

    init(accounts: AccountDesk) throws {
        self.accounts = accounts
        guard let url = Bundle.module.url(forResource: "OpenAPI/openapi", withExtension: "json")
            ?? Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "OpenAPI") else {
            throw AppError.notFound
        }
        openAPIDocument = ByteBuffer(bytes: try Data(contentsOf: url))
    }

    var routes: GuardedRoutes {
        GuardedRoutes()
            .get("/api/v1/openapi.json", .anyone) { [openAPIDocument] _, _ in
                var headers = HTTPFields()
                headers[.contentType] = "application/json; charset=utf-8"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: openAPIDocument))
            }
            .get("/api/v1/me", .signedIn, use: me)
            .get("/api/v1/users", .permission(.usersManage), use: users)
    }

    struct Me: Encodable {
        let id: Int64
        let login: String
        let displayName: String
        let permissions: [String]
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let identity = context.identity else { throw AppError.unauthorized }
        return try Responses.json(Me(id: identity.userID, login: identity.login, displayName: identity.displayName,
                                     permissions: identity.permissions.map(\.rawValue).sorted()))
    }

    @Sendable func users(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Responses.json(try await accounts.users(caller: context.caller))
    }
}
