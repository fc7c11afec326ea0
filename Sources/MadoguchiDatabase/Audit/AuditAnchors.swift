import Foundation
import MadoguchiDomain

/// Where anchors are kept on this host: `<folder>/head`, replaced after every change of the
/// head, and `<folder>/anchors.log`, one line appended every few minutes and never rewritten
/// (an operator may ship it to syslog or WORM storage). `audit verify` reads both, plus the
/// heads recorded in snapshot manifests.
public struct AuditAnchors: Sendable {
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    var headFile: URL { folder.appendingPathComponent("head") }
    var logFile: URL { folder.appendingPathComponent("anchors.log") }
    var rewoundFile: URL { folder.appendingPathComponent("rewound-at") }

    /// Records that the database was restored over (the log went back in time): anchors taken
    /// before this moment, here or in snapshot manifests, no longer describe the live log.
    public func markRewound(at date: Date) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data((ISO8601DateFormatter().string(from: date) + "\n").utf8).write(to: rewoundFile, options: .atomic)
    }

    /// When the log was last rewound by a restore, if ever.
    public var rewoundAt: Date? {
        (try? String(contentsOf: rewoundFile, encoding: .utf8)).flatMap {
            ISO8601DateFormatter().date(from: $0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The head file never moves backwards: a head older than the one on file (rows deleted) or
    /// the same row with another seal (rows rewritten) is refused, so the evidence stays.
    public struct Regression: Error, CustomStringConvertible {
        public let onFile: AuditAnchor
        public let offered: AuditAnchor
        public var description: String {
            "audit head went backwards: the anchor on file names row \(onFile.id), the database's newest is row \(offered.id)"
                + (onFile.id == offered.id ? " with another seal" : "") + " — run `madoguchi audit verify`"
        }
    }

    /// Replaces the head file (write, fsync, rename: a crash leaves the old or the new one).
    public func writeHead(_ anchor: AuditAnchor) throws {
        if let text = try? String(contentsOf: headFile, encoding: .utf8),
           let onFile = AuditAnchor(line: text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            if onFile.id > anchor.id || (onFile.id == anchor.id && onFile.hash != anchor.hash) {
                throw Regression(onFile: onFile, offered: anchor)
            }
            if onFile.id == anchor.id { return }
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".head.\(getpid())")
        try Data((anchor.line + "\n").utf8).write(to: temporary)
        let fd = open(temporary.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(temporary.path, headFile.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Appends one line to the log (O_APPEND, then fsync).
    public func append(_ anchor: AuditAnchor) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let fd = open(logFile.path, O_WRONLY | O_CREAT | O_APPEND, 0o640)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        defer { close(fd) }
        let bytes = Array((anchor.line + "\n").utf8)
        guard bytes.withUnsafeBytes({ Foundation.write(fd, $0.baseAddress, bytes.count) }) == bytes.count else {
            throw CocoaError(.fileWriteOutOfSpace)
        }
        fsync(fd)
    }

    /// Every anchor in the head file and the log; lines that do not parse are counted apart.
    public func read() -> (anchors: [AuditAnchor], unreadable: Int) {
        var anchors: [AuditAnchor] = []
        var unreadable = 0
        for file in [headFile, logFile] {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where !line.isEmpty {
                if let anchor = AuditAnchor(line: String(line)) { anchors.append(anchor) } else { unreadable += 1 }
            }
        }
        return (anchors, unreadable)
    }
}
