import ArgumentParser
import Foundation
import MadoguchiImaging

/// `madoguchi worker …`: the child processes the server starts for untrusted PDFs (#13), each
/// under the processor-time and memory limits its parent set. Not for operators.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Internal: render an uploaded PDF in a limited child process.",
        shouldDisplay: false, subcommands: [Info.self, Page.self])

    /// Writes `{"pages": [[w, h], …]}` in points, or `{"error": "…"}`.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pdf-info")
        @Argument var input: String
        @Option(name: .customLong("max-pages")) var maxPages = 20
        @Option var out: String

        func run() throws {
            let result: [String: Any]
            do {
                let sizes = try PDFRasterizer.pageSizes(of: Data(contentsOf: URL(fileURLWithPath: input)), maxPages: maxPages)
                result = ["pages": sizes.map { [$0.width, $0.height] }]
            } catch let error as PDFRasterizeError {
                result = ["error": WorkerCommand.word(error)]
            }
            try JSONSerialization.data(withJSONObject: result).write(to: URL(fileURLWithPath: out))
        }
    }

    /// Writes width and height (UInt32, little-endian) and the RGBA bytes, or `error:<word>`.
    struct Page: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pdf-page")
        @Argument var input: String
        @Option var page: Int
        @Option var dpi: Double
        @Option var out: String

        func run() throws {
            var bytes = Data()
            do {
                let pixels = try PDFRasterizer.page(page, of: Data(contentsOf: URL(fileURLWithPath: input)), dpi: dpi)
                withUnsafeBytes(of: UInt32(pixels.width).littleEndian) { bytes.append(contentsOf: $0) }
                withUnsafeBytes(of: UInt32(pixels.height).littleEndian) { bytes.append(contentsOf: $0) }
                bytes.append(contentsOf: pixels.bytes)
            } catch let error as PDFRasterizeError {
                bytes = Data(("error:" + WorkerCommand.word(error)).utf8)
            }
            try bytes.write(to: URL(fileURLWithPath: out))
        }
    }

    static func word(_ error: PDFRasterizeError) -> String {
        switch error {
        case .empty: "empty"
        case .encrypted: "encrypted"
        case .noPages: "no-pages"
        case .tooManyPages: "too-many-pages"
        case .pageTooLarge: "page-too-large"
        case .unreadable(let detail): "unreadable" + detail
        case .invalidResolution, .renderFailed: "render-failed"
        }
    }
}
