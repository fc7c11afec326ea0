import Crypto
import Foundation

/// The name of a blob: the SHA-256 of its bytes. Two uploads of the same file are one blob.
public struct BlobRef: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// 64 lowercase hexadecimal digits.
    public let hex: String

    /// Accepts exactly 64 hexadecimal digits (either case); anything else is not a reference.
    public init?(hex: String) {
        let lowered = hex.lowercased()
        guard lowered.utf8.count == 64, lowered.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            return nil
        }
        self.hex = lowered
    }

    public init(digest: SHA256.Digest) {
        hex = digest.map { String(format: "%02x", $0) }.joined()
    }

    /// The reference of `data` (for small payloads and tests).
    public static func of(_ data: some DataProtocol) -> BlobRef {
        BlobRef(digest: SHA256.hash(data: data))
    }

    public var description: String { "sha256-\(hex)" }

    public static func < (lhs: BlobRef, rhs: BlobRef) -> Bool { lhs.hex < rhs.hex }
}

/// What a store knows about a blob without reading it.
public struct BlobInfo: Hashable, Sendable, Codable {
    public let ref: BlobRef
    public let size: Int64
    /// When the store last wrote it, where the backend says (garbage collection keeps young
    /// orphans: an upload in progress has its blob before its row). Not part of equality.
    public let modifiedAt: Date?

    public init(ref: BlobRef, size: Int64, modifiedAt: Date? = nil) {
        self.ref = ref
        self.size = size
        self.modifiedAt = modifiedAt
    }

    public static func == (a: BlobInfo, b: BlobInfo) -> Bool { a.ref == b.ref && a.size == b.size }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ref)
        hasher.combine(size)
    }
}

/// Failures of a blob store.
public enum BlobStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes received or read do not hash to the expected reference.
    case digestMismatch(expected: BlobRef, actual: BlobRef)
    /// The stream was larger than the caller allowed; nothing was stored.
    case tooLarge(limit: Int64)
    case notFound(BlobRef)
    case io(String)
    /// The backend cannot be reached or is failing for now (retry later: an S3 endpoint down,
    /// 5xx, a timeout). Nothing was recorded.
    case unavailable(String)
    /// The backend refuses us for a reason a retry will not fix: wrong credentials, no such bucket,
    /// a bad setting. Nothing was recorded.
    case misconfigured(String)

    public var description: String {
        switch self {
        case .digestMismatch(let expected, let actual): "blob content does not match its name: expected \(expected), got \(actual)"
        case .tooLarge(let limit): "blob larger than the limit of \(limit) bytes"
        case .notFound(let ref): "blob \(ref) not found"
        case .io(let message): "blob storage I/O error: \(message)"
        case .unavailable(let message): "blob storage unavailable: \(message)"
        case .misconfigured(let message): "blob storage misconfigured: \(message)"
        }
    }
}
