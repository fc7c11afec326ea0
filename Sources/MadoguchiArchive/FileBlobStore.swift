import Crypto
import Foundation
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Blobs as files under `<root>/sha256/ab/cd/<hex>` (perkeep's layout: two levels of 256
/// folders keep every folder small even with millions of scans).
///
/// A put writes to a temporary file in the target folder, fsyncs it, renames it into place and
/// fsyncs the folder, so after `put` returns the blob survives a crash or power loss, and a
/// crash during `put` leaves only a temporary file (removed by `removeIncompleteUploads`).
/// Blob files are read-only: content-addressed data never changes.
public struct FileBlobStore: BlobReceiver, BlobFetcher, BlobStatter, BlobEnumerator, BlobRemover {
    public let root: URL
    static let chunkSize = 256 * 1024
    static let temporaryPrefix = ".incoming-"

    public init(root: URL) throws {
        self.root = root.appendingPathComponent("sha256")
        try FileManager.default.createDirectory(at: self.root, withIntermediateDirectories: true)
    }

    func folder(for ref: BlobRef) -> URL {
        let hex = ref.hex
        return root.appendingPathComponent(String(hex.prefix(2))).appendingPathComponent(String(hex.dropFirst(2).prefix(2)))
    }

    /// Where the blob's file is (or would be).
    public func path(for ref: BlobRef) -> String {
        folder(for: ref).appendingPathComponent(ref.hex).path
    }

    public func put<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, expected: BlobRef?, limit: Int64?) async throws -> BlobInfo
    where Chunks.Element == [UInt8] {
        // The final folder is unknown until the hash is, so receive into the store's root and
        // rename across folders of the same file system (rename stays atomic).
        let temporary = root.appendingPathComponent(Self.temporaryPrefix + UUID().uuidString).path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BlobStoreError.io("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var closed = false
        defer {
            if !closed { close(fd) }
            unlink(temporary)  // a no-op after a successful rename
        }
        var hasher = SHA256()
        var size: Int64 = 0
        for try await chunk in chunks {
            size += Int64(chunk.count)
            if let limit, size > limit { throw BlobStoreError.tooLarge(limit: limit) }
            hasher.update(data: chunk)
            try Self.writeAll(fd, chunk)
        }
        let ref = BlobRef(digest: hasher.finalize())
        if let expected, expected != ref { throw BlobStoreError.digestMismatch(expected: expected, actual: ref) }
        // fsync is the slow part: keep it off the cooperative threads.
        try await NIOThreadPool.singleton.runIfActive {
            guard fsync(fd) == 0 else { throw BlobStoreError.io("fsync: \(String(cString: strerror(errno)))") }
        }
        fchmod(fd, 0o444)
        close(fd)
        closed = true

        let folder = folder(for: ref)
        let destination = folder.appendingPathComponent(ref.hex).path
        if let existing = try await stat(ref), existing.size == size {
            return existing  // already stored: the same content is kept once
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard rename(temporary, destination) == 0 else {
            throw BlobStoreError.io("rename to \(destination): \(String(cString: strerror(errno)))")
        }
        try await NIOThreadPool.singleton.runIfActive {
            try Self.syncFolder(folder.path)
            try Self.syncFolder(folder.deletingLastPathComponent().path)
        }
        return BlobInfo(ref: ref, size: size)
    }

    public func get(_ ref: BlobRef, verify: Bool) async throws -> Data {
        // Mapped, not read: a 50 MB scan is decoded from the page cache, not copied onto the heap.
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path(for: ref)), options: .alwaysMapped) else {
            throw BlobStoreError.notFound(ref)
        }
        if verify {
            let actual = BlobRef.of(data)
            if actual != ref { throw BlobStoreError.digestMismatch(expected: ref, actual: actual) }
        }
        return data
    }

    public func stat(_ ref: BlobRef) async throws -> BlobInfo? {
        var info = Glibc.stat()
        guard lstat(path(for: ref), &info) == 0 else {
            if errno == ENOENT { return nil }
            throw BlobStoreError.io("stat \(ref): \(String(cString: strerror(errno)))")
        }
        return BlobInfo(ref: ref, size: Int64(info.st_size),
                        modifiedAt: Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec) + TimeInterval(info.st_mtim.tv_nsec) / 1e9))
    }

    public func enumerate(after: BlobRef?, limit: Int) async throws -> [BlobInfo] {
        let fm = FileManager.default
        var result: [BlobInfo] = []
        let afterHex = after?.hex ?? ""
        for first in try Self.sortedEntries(root.path) where first.count == 2 && first >= String(afterHex.prefix(2)) {
            let firstPath = root.appendingPathComponent(first)
            for second in try Self.sortedEntries(firstPath.path) where second.count == 2 && first + second >= String(afterHex.prefix(4)) {
                let secondPath = firstPath.appendingPathComponent(second)
                for name in try Self.sortedEntries(secondPath.path) where name > afterHex {
                    guard let ref = BlobRef(hex: name) else { continue }
                    let attributes = try? fm.attributesOfItem(atPath: secondPath.appendingPathComponent(name).path)
                    result.append(BlobInfo(ref: ref, size: attributes?[.size] as? Int64 ?? 0, modifiedAt: attributes?[.modificationDate] as? Date))
                    if result.count == limit { return result }
                }
            }
        }
        return result
    }

    public func remove(_ ref: BlobRef) async throws -> Bool {
        let path = path(for: ref)
        guard unlink(path) == 0 else {
            if errno == ENOENT { return false }
            throw BlobStoreError.io("remove \(ref): \(String(cString: strerror(errno)))")
        }
        try? Self.syncFolder(folder(for: ref).path)
        return true
    }

    /// Deletes temporary files left by puts that a crash interrupted; returns how many.
    public func removeIncompleteUploads(olderThan cutoff: Date) async throws -> Int {
        var removed = 0
        for name in try Self.sortedEntries(root.path) where name.hasPrefix(Self.temporaryPrefix) {
            let path = root.appendingPathComponent(name).path
            let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast
            if modified < cutoff, unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    static func sortedEntries(_ path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw BlobStoreError.io("write: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// fsync of a folder makes a rename or unlink in it durable.
    static func syncFolder(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BlobStoreError.io("open folder \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw BlobStoreError.io("fsync folder \(path): \(String(cString: strerror(errno)))") }
    }
}
