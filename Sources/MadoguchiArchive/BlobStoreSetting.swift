import Foundation

/// Which blob backend a process uses: `MADOGUCHI_BLOBS` unset (or `file`) is the file store
/// under the storage folder; `s3://BUCKET/PREFIX` is an S3-compatible bucket (see `S3Location`).
public enum BlobStoreSetting: Sendable, Equatable {
    case file(URL)
    case s3(S3Location, spool: URL)

    public static func from(environment: [String: String], storage: URL) throws -> BlobStoreSetting {
        let value = environment["MADOGUCHI_BLOBS"] ?? ""
        if value.isEmpty || value == "file" { return .file(storage.appendingPathComponent("blobs")) }
        if value.hasPrefix("s3://") {
            return .s3(try S3Location(url: value, environment: environment), spool: storage.appendingPathComponent("s3-spool"))
        }
        if value.hasPrefix("/") { return .file(URL(fileURLWithPath: value)) }
        throw BlobStoreError.misconfigured("MADOGUCHI_BLOBS=\(value): expected s3://BUCKET/PREFIX, an absolute folder, or nothing (the storage folder's blobs/)")
    }

    public func open() throws -> any BlobStore {
        switch self {
        case .file(let root): try FileBlobStore(root: root)
        case .s3(let location, let spool): try S3BlobStore(client: S3Client(location: location), spoolDirectory: spool)
        }
    }

    /// For logs and the status page.
    public var description: String {
        switch self {
        case .file(let root): root.path
        case .s3(let location, _): location.description
        }
    }
}
