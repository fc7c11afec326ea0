import Foundation
import NIOSSL
import PostgresNIO

/// Where the database is: the private cluster under the storage folder (the default), or a
/// server named by `DATABASE_URL` (production, F6).
public enum DatabaseLocation: Sendable {
    case privateCluster(PrivateCluster)
    case url(String)

    /// Connection settings for a `DATABASE_URL` such as
    /// `postgres://user:pass@host:5432/madoguchi?sslmode=verify-full&sslrootcert=/etc/ca.pem`.
    /// `sslmode` follows libpq: disable, prefer (default), require, verify-ca, verify-full.
    /// `?host=/run/postgresql` selects a Unix socket directory.
    public static func configuration(fromURL string: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: string),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw DatabaseError.invalidURL("DATABASE_URL は postgres://user:password@host:port/database の形式で指定してください") }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = components.password.flatMap { $0.removingPercentEncoding }
        var database = String(components.path.drop(while: { $0 == "/" }))
        if database.isEmpty { database = "madoguchi" }

        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            return .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        guard let host = components.host, !host.isEmpty else {
            throw DatabaseError.invalidURL("DATABASE_URL にホスト名がありません")
        }
        let tls: PostgresClient.Configuration.TLS
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let rootCertificate = query["sslrootcert"], !rootCertificate.isEmpty {
            tlsConfiguration.trustRoots = .file(rootCertificate)
        }
        switch query["sslmode"] ?? "prefer" {
        case "disable":
            tls = .disable
        case "allow", "prefer":
            tlsConfiguration.certificateVerification = .none
            tls = .prefer(tlsConfiguration)
        case "require":
            // libpq's `require` encrypts without checking the certificate (unless a root is given).
            if query["sslrootcert"] == nil { tlsConfiguration.certificateVerification = .none }
            tls = .require(tlsConfiguration)
        case "verify-ca":
            tlsConfiguration.certificateVerification = .noHostnameVerification
            tls = .require(tlsConfiguration)
        case "verify-full":
            tlsConfiguration.certificateVerification = .fullVerification
            tls = .require(tlsConfiguration)
        case let other:
            throw DatabaseError.invalidURL("sslmode=\(other) は使えません（disable, prefer, require, verify-ca, verify-full）")
        }
        return .init(host: host, port: components.port ?? 5432, username: user, password: password, database: database, tls: tls)
    }
}
