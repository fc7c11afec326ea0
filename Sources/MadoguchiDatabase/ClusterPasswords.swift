import Foundation
import MadoguchiDomain

/// The private cluster's generated passwords (#13): one per role and one for the bootstrap
/// superuser, in `<storage>/secrets/postgres-passwords` (JSON, mode 0600, folder 0700). The
/// cluster authenticates with scram-sha-256, so a local user who can reach the socket still
/// needs a password, and each site's process gets only its own role's.
public struct ClusterPasswords: Sendable, Equatable {
    public private(set) var byRole: [String: String]

    public static func file(storage: URL) -> URL {
        storage.appendingPathComponent("secrets").appendingPathComponent("postgres-passwords")
    }

    /// Reads the file, adding a fresh password for any role it lacks (and writing it back).
    public static func loadOrCreate(storage: URL, roles: [String]) throws -> ClusterPasswords {
        let url = file(storage: storage)
        var passwords: [String: String] = [:]
        if let data = try? Data(contentsOf: url) {
            guard let decoded = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw DatabaseError.clusterCommandFailed(command: "read \(url.path)", output: "パスワードファイルを読めません（JSON ではありません）")
            }
            passwords = decoded
        }
        let missing = roles.filter { passwords[$0] == nil }
        guard !missing.isEmpty else { return ClusterPasswords(byRole: passwords) }
        for role in missing { passwords[role] = SecureToken.generate(bytes: 24) }
        try write(passwords, to: url)
        return ClusterPasswords(byRole: passwords)
    }

    public subscript(role: String) -> String? { byRole[role] }

    static func write(_ passwords: [String: String], to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try SecretFile.write(try encoder.encode(passwords), to: url)
    }
}
