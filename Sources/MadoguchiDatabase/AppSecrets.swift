import Crypto
import Foundation
import MadoguchiDomain

/// The keys the app holds outside the database (#13): the audit chain's HMAC keys, the key that
/// encrypts staff TOTP secrets, and the key that hashes residents' phone numbers and booking
/// codes in counters. A database dump alone therefore can neither re-seal the audit log, nor
/// enrol a second phone, nor turn counters back into phone numbers.
///
/// Read from `<secrets>/app-keys` (JSON, 0600; made on first start), or from the environment:
/// `MADOGUCHI_AUDIT_KEYS` ("1:BASE64,2:BASE64"; the highest number seals new rows),
/// `MADOGUCHI_MFA_KEY` and `MADOGUCHI_LOOKUP_KEY` (base64, 32 bytes). Every instance of one
/// installation needs the same keys: copy the file, or set the variables, on each host.
public struct AppSecrets: Sendable {
    public var auditKeys: AuditKeyring
    // Kept as bytes: swift-crypto's SymmetricKey is not Sendable.
    let mfaKeyBytes: [UInt8]
    let lookupKeyBytes: [UInt8]
    var mfaKey: SymmetricKey { SymmetricKey(data: mfaKeyBytes) }
    var lookupKey: SymmetricKey { SymmetricKey(data: lookupKeyBytes) }

    public init(auditKeys: AuditKeyring, mfaKey: [UInt8], lookupKey: [UInt8]) {
        self.auditKeys = auditKeys
        mfaKeyBytes = mfaKey
        lookupKeyBytes = lookupKey
    }

    struct File: Codable {
        var auditKeys: [String: String]
        var mfaKey: String
        var lookupKey: String
    }

    public static func file(in folder: URL) -> URL { folder.appendingPathComponent("app-keys") }

    /// Loads the keys (the environment wins over the file); creates the file when neither exists.
    public static func load(folder: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppSecrets {
        let url = file(in: folder)
        var stored: File
        if let data = try? Data(contentsOf: url) {
            guard let decoded = try? JSONDecoder().decode(File.self, from: data) else { throw SecretsError.unreadable(url.path) }
            stored = decoded
        } else {
            stored = File(auditKeys: ["1": newKey()], mfaKey: newKey(), lookupKey: newKey())
            try write(stored, to: url)
        }
        if let keys = environment["MADOGUCHI_AUDIT_KEYS"], !keys.isEmpty {
            stored.auditKeys = [:]
            for pair in keys.split(separator: ",") {
                let parts = pair.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw SecretsError.badVariable("MADOGUCHI_AUDIT_KEYS") }
                stored.auditKeys[parts[0]] = parts[1]
            }
        }
        if let key = environment["MADOGUCHI_MFA_KEY"], !key.isEmpty { stored.mfaKey = key }
        if let key = environment["MADOGUCHI_LOOKUP_KEY"], !key.isEmpty { stored.lookupKey = key }
        return try AppSecrets(stored)
    }

    init(_ file: File) throws {
        var keys: [Int: [UInt8]] = [:]
        for (id, value) in file.auditKeys {
            guard let number = Int(id), number > 0 else { throw SecretsError.badKey("audit key \(id)") }
            keys[number] = try Self.key(value, name: "audit key \(id)")
        }
        guard !keys.isEmpty else { throw SecretsError.badKey("audit keys (none)") }
        self.init(auditKeys: AuditKeyring(keys: keys), mfaKey: try Self.key(file.mfaKey, name: "MFA key"),
                  lookupKey: try Self.key(file.lookupKey, name: "lookup key"))
    }

    /// Adds audit key number max+1 to the file and returns its number (`madoguchi audit rotate-key`).
    /// New rows are sealed with it once every instance has reloaded; old keys stay for verifying.
    public static func rotateAuditKey(folder: URL) throws -> Int {
        let url = file(in: folder)
        guard let data = try? Data(contentsOf: url), var stored = try? JSONDecoder().decode(File.self, from: data) else {
            throw SecretsError.unreadable(url.path)
        }
        let next = (stored.auditKeys.keys.compactMap(Int.init).max() ?? 0) + 1
        stored.auditKeys[String(next)] = newKey()
        try write(stored, to: url)
        return next
    }

    /// Fixed keys derived from a word, for tests that must compare seals across processes.
    public static func fixed(_ seed: String) -> AppSecrets {
        func derive(_ label: String) -> [UInt8] { Array(SHA256.hash(data: Data("\(seed)/\(label)".utf8))) }
        return AppSecrets(auditKeys: AuditKeyring(keys: [1: derive("audit-1")]), mfaKey: derive("mfa"), lookupKey: derive("lookup"))
    }

    static func newKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
    }

    static func key(_ base64: String, name: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: base64), data.count >= 32 else { throw SecretsError.badKey(name) }
        return Array(data)
    }

    static func write(_ file: File, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try SecretFile.write(try encoder.encode(file), to: url)
    }

    // MARK: uses

    /// A keyed hash for a counter's key (phone, email, booking code): the same input gives the
    /// same bucket, but the table cannot be turned back into phone numbers by guessing.
    public func lookupHash(_ value: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: lookupKey).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Encrypts a TOTP secret for the database (AES-256-GCM, the user id bound as associated data
    /// so a sealed secret cannot be copied onto another account).
    public func sealMFASecret(_ secret: [UInt8], userID: Int64) throws -> Data {
        let box = try AES.GCM.seal(secret, using: mfaKey, authenticating: Data("staff_user:\(userID)".utf8))
        guard let combined = box.combined else { throw SecretsError.badKey("MFA key") }
        return combined
    }

    public func openMFASecret(_ sealed: Data, userID: Int64) throws -> [UInt8] {
        let box = try AES.GCM.SealedBox(combined: sealed)
        return Array(try AES.GCM.open(box, using: mfaKey, authenticating: Data("staff_user:\(userID)".utf8)))
    }
}

extension AppSecrets {
    /// 照合番号B on its way to a counter terminal (#15): AES-256-GCM under a key derived from the
    /// MFA key for this one use, the job id bound, so the row holds no digits even in WAL or a
    /// dump, and a sealed code cannot be moved to another job.
    public func sealCardCode(_ digits: String, jobID: UUID) throws -> Data {
        let box = try AES.GCM.seal(Data(digits.utf8), using: cardCodeKey, authenticating: Data("card_read_job:\(jobID)".utf8))
        guard let combined = box.combined else { throw SecretsError.badKey("MFA key") }
        return combined
    }

    public func openCardCode(_ sealed: Data, jobID: UUID) throws -> String {
        let box = try AES.GCM.SealedBox(combined: sealed)
        return String(decoding: try AES.GCM.open(box, using: cardCodeKey, authenticating: Data("card_read_job:\(jobID)".utf8)), as: UTF8.self)
    }

    var cardCodeKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: mfaKey, info: Data("madoguchi card-read codes".utf8), outputByteCount: 32)
    }
}

/// The audit chain's HMAC keys by number; the highest seals new rows.
public struct AuditKeyring: Sendable {
    public let keys: [Int: [UInt8]]
    public var currentID: Int { keys.keys.max() ?? 0 }

    public init(keys: [Int: [UInt8]]) {
        self.keys = keys
    }

    /// HMAC-SHA-256 of `data` under key `id`; nil when this installation does not have that key.
    public func seal(_ data: Data, keyID id: Int) -> Data? {
        keys[id].map { Data(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: $0))) }
    }
}

public enum SecretsError: Error, CustomStringConvertible {
    case unreadable(String)
    case badKey(String)
    case badVariable(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "鍵ファイル \(path) を読めません（JSON の形式を確認してください）。"
        case .badKey(let name): "\(name) が正しくありません（32バイト以上を base64 で指定してください）。"
        case .badVariable(let name): "\(name) の形式が正しくありません（例: 1:BASE64,2:BASE64）。"
        }
    }
}

/// Writes a secret: created 0600 in a 0700 folder, fsynced, then renamed into place.
public enum SecretFile {
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        chmod(folder.path, 0o700)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid())")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw SecretsError.unreadable(url.path) }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, data.count) }
        fsync(fd)
        close(fd)
        guard written == data.count, rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw SecretsError.unreadable(url.path)
        }
    }
}
