import Foundation
import MadoguchiProcess

/// The pages of an uploaded PDF, rendered one at a time (#13). With a `PDFPageWorker` every
/// poppler call — reading the page list, rendering each page — runs in a child process with its
/// own processor-time and memory limits, so a crafted PDF can neither spin a server thread for
/// minutes nor take the server's memory; without one (tools, the renderer's own tests) poppler
/// runs here. The pages' pixels together must fit the file's pixel budget before any is drawn.
public struct PDFPages {
    public let count: Int
    let data: Data
    let dpi: Double
    let worker: PDFPageWorker?

    public init(data: Data, dpi: Double, maxPages: Int, limits: ImagingLimits) throws {
        self.data = data
        self.dpi = dpi
        worker = limits.pdfWorker
        let sizes = try worker?.pageSizes(of: data, maxPages: maxPages) ?? PDFRasterizer.pageSizes(of: data, maxPages: maxPages)
        let scale = dpi / 72
        var total: UInt64 = 0
        for (index, size) in sizes.enumerated() {
            let pixels = (size.width * scale).rounded(.up) * (size.height * scale).rounded(.up)
            guard pixels.isFinite, pixels <= Double(PDFRasterizer.maxPixelsPerPage) else { throw PDFRasterizeError.pageTooLarge(page: index + 1) }
            total += UInt64(pixels)
        }
        if total > limits.maxPixelsPerFile { throw ImagingError.tooManyPixelsInFile(total: total, limit: limits.maxPixelsPerFile) }
        count = sizes.count
    }

    /// Page `index` (0-based); the worker's time is charged to `budget`.
    public func render(_ index: Int, budget: CPUBudget?) throws -> RGBAPixels {
        guard let worker else { return try PDFRasterizer.page(index, of: data, dpi: dpi) }
        return try worker.render(index, of: data, dpi: dpi, budget: budget)
    }
}

/// Runs `madoguchi worker pdf-…` as a child process under `ulimit -t` (processor seconds) and
/// `ulimit -v` (address space): the limits of one PDF page render.
public struct PDFPageWorker: Sendable {
    public let executable: String
    public var cpuSecondsPerPage: Int
    public var memoryMegabytes: Int

    public init(executable: String, cpuSecondsPerPage: Int = 20, memoryMegabytes: Int = 2048) {
        self.executable = executable
        self.cpuSecondsPerPage = cpuSecondsPerPage
        self.memoryMegabytes = memoryMegabytes
    }

    /// The `madoguchi` program: `MADOGUCHI_BINARY`, this process when it is madoguchi, or a
    /// `madoguchi` beside this program (a test bundle in `.build/debug`).
    public static func locate() -> PDFPageWorker? {
        let fm = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["MADOGUCHI_BINARY"], fm.isExecutableFile(atPath: explicit) {
            return PDFPageWorker(executable: explicit)
        }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if me.lastPathComponent == "madoguchi" { return PDFPageWorker(executable: me.path) }
        let sibling = me.deletingLastPathComponent().appendingPathComponent("madoguchi").path
        return fm.isExecutableFile(atPath: sibling) ? PDFPageWorker(executable: sibling) : nil
    }

    func pageSizes(of data: Data, maxPages: Int) throws -> [(width: Double, height: Double)] {
        try withFiles(data) { input, output in
            try run(["pdf-info", input.path, "--max-pages", String(maxPages), "--out", output.path], cpu: cpuSecondsPerPage, page: 0)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any]
            if let failure = json?["error"] as? String { throw PDFPageWorker.error(failure, limit: maxPages) }
            let pages = (json?["pages"] as? [[Double]]) ?? []
            return pages.map { ($0[0], $0[1]) }
        }
    }

    func render(_ index: Int, of data: Data, dpi: Double, budget: CPUBudget?) throws -> RGBAPixels {
        let remaining = budget.map { Int($0.remaining.rounded(.up)) } ?? cpuSecondsPerPage
        guard remaining > 0 else { throw ImagingError.tooSlow(seconds: Int(budget?.seconds ?? 0)) }
        let started = Date()
        defer { budget?.charge(Date().timeIntervalSince(started)) }
        return try withFiles(data) { input, output in
            try run(["pdf-page", input.path, "--page", String(index), "--dpi", String(dpi), "--out", output.path],
                    cpu: min(cpuSecondsPerPage, remaining), page: index + 1)
            let bytes = try Data(contentsOf: output)
            if bytes.starts(with: Array("error:".utf8)) {
                throw PDFPageWorker.error(String(decoding: bytes.dropFirst(6), as: UTF8.self), limit: 0, page: index + 1)
            }
            guard bytes.count >= 8 else { throw PDFRasterizeError.renderFailed(page: index + 1) }
            let width = Int(bytes[0..<4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian)
            let height = Int(bytes[4..<8].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian)
            guard bytes.count == 8 + width * height * 4 else { throw PDFRasterizeError.renderFailed(page: index + 1) }
            return RGBAPixels(width: width, height: height, bytes: [UInt8](bytes.dropFirst(8)))
        }
    }

    /// The worker's refusal, back as the error the in-process renderer would have thrown.
    static func error(_ text: String, limit: Int, page: Int = 0) -> PDFRasterizeError {
        switch text {
        case "empty": .empty
        case "encrypted": .encrypted
        case "no-pages": .noPages
        case "too-many-pages": .tooManyPages(limit: limit)
        case "page-too-large": .pageTooLarge(page: page)
        default: text.hasPrefix("unreadable") ? .unreadable(detail: String(text.dropFirst(10))) : .renderFailed(page: page)
        }
    }

    func withFiles<T>(_ data: Data, _ body: (URL, URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mdg-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.pdf"), output = folder.appendingPathComponent("out")
        try data.write(to: input)
        return try body(input, output)
    }

    /// Runs the worker; a kill by the processor-time limit (SIGXCPU/SIGKILL) is `tooSlow`.
    func run(_ arguments: [String], cpu: Int, page: Int) throws {
        let result = try ProcessRunner.run(["/bin/sh", "-c", "ulimit -t \(max(1, cpu)); ulimit -v \(memoryMegabytes * 1024); exec \"$0\" worker \"$@\"",
                                            executable] + arguments, errors: .discarded)
        if result.signal != nil {
            throw ImagingError.tooSlow(seconds: cpu)
        }
        guard result.status == 0 else { throw PDFRasterizeError.renderFailed(page: max(page, 1)) }
    }
}
