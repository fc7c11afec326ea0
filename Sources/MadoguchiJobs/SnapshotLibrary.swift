import Foundation
import MadoguchiDomain

/// The snapshot folder (`<storage>/snapshots` unless told otherwise): one sub-folder per
/// snapshot, named by its id; a folder without `manifest.json` is unfinished and ignored.
public struct SnapshotLibrary: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public struct Entry: Sendable {
        public var manifest: SnapshotManifest
        public var folder: URL
        public var bytes: Int64 { manifest.files.reduce(0) { $0 + $1.size } }
    }

    public func list() throws -> [Entry] {
        let fm = FileManager.default
        guard fm.fileExists(atPath: directory.path) else { return [] }
        return try fm.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil).compactMap { folder -> Entry? in
            guard !folder.lastPathComponent.hasPrefix("."),
                  let data = try? Data(contentsOf: folder.appendingPathComponent(SnapshotManifest.fileName)),
                  let manifest = try? SnapshotManifest.decode(data) else { return nil }
            return Entry(manifest: manifest, folder: folder)
        }.sorted { $0.manifest.createdAt < $1.manifest.createdAt }
    }

    public func entry(_ id: String) throws -> Entry {
        guard let entry = try list().first(where: { $0.manifest.id == id }) else { throw SnapshotError.notFound(id) }
        return entry
    }

    /// A new id from the Tokyo time: `20261129-020000`, with a suffix if taken.
    public func newID(at date: Date) -> String {
        let c = JapaneseDate.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let base = String(format: "%04d%02d%02d-%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        var id = base, n = 1
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent(id).path) {
            n += 1
            id = "\(base)-\(n)"
        }
        return id
    }

    /// Deletes the snapshots the policy does not keep. A folder is renamed out of the way first,
    /// so that a crash mid-delete never leaves something that looks like a good snapshot.
    @discardableResult
    public func prune(_ policy: RetentionPolicy) throws -> [String] {
        let entries = try list()
        let keep = policy.keep(entries.map { ($0.manifest.id, $0.manifest.createdAt) })
        var removed: [String] = []
        let fm = FileManager.default
        for entry in entries where !keep.contains(entry.manifest.id) {
            let doomed = directory.appendingPathComponent(".deleting-\(entry.manifest.id)")
            try fm.moveItem(at: entry.folder, to: doomed)
            try fm.removeItem(at: doomed)
            removed.append(entry.manifest.id)
        }
        // Leftovers of interrupted deletes. A `.partial` folder may be a snapshot another process
        // is writing right now: it is left alone.
        for leftover in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? [] where leftover.hasPrefix(".deleting-") {
            try? fm.removeItem(at: directory.appendingPathComponent(leftover))
        }
        return removed
    }
}
