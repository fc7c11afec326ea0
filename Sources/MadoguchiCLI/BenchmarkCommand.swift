import ArgumentParser
import Crypto
import Foundation
import MadoguchiArchive
import MadoguchiImaging

/// `madoguchi benchmark archive`: the app's side of `scripts/bench-archive`, which runs the
/// raw ceilings (openssl + cp, ImageMagick) on the same files in the same run and prints ratios.
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark", abstract: "Measure archive throughput (used by scripts/bench-archive).",
        subcommands: [Archive.self])

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store FILES in a blob store under --store and render their previews; print timings as JSON.")

        @Option(help: "Folder for a throwaway blob store (same disk as the ceiling's copy).") var store: String
        @Argument(help: "Scan files.") var files: [String]

        func run() async throws {
            let blobs = try FileBlobStore(root: URL(fileURLWithPath: store))
            let datas = try files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
            let bytes = datas.reduce(0) { $0 + $1.count }

            // 1. SHA-256 alone over data in memory: shows whether swift-crypto uses the CPU's SHA instructions.
            var start = ContinuousClock.now
            for data in datas { _ = SHA256.hash(data: data) }
            let hashSeconds = seconds(since: start)

            // 2. The store's put: streamed in 256 KiB chunks, hashed, written, fsynced, renamed.
            start = ContinuousClock.now
            for data in datas {
                let chunks = stride(from: 0, to: data.count, by: 262_144).map { [UInt8](data[$0..<Swift.min($0 + 262_144, data.count)]) }
                _ = try await blobs.put(ChunkList(chunks: chunks), expected: nil, limit: nil)
            }
            let putSeconds = seconds(since: start)

            // 3. Decode every page and render its preview and thumbnail.
            let renderer = PreviewRenderer()
            var pages = 0
            start = ContinuousClock.now
            for data in datas {
                let image = try ScannedImage(data: data)
                pages += try renderer.renderAll(image).count
            }
            let renderSeconds = seconds(since: start)

            let result: [String: Double] = [
                "files": Double(datas.count), "bytes": Double(bytes), "pages": Double(pages),
                "hash_seconds": hashSeconds, "put_seconds": putSeconds, "render_seconds": renderSeconds,
            ]
            let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print(String(decoding: json, as: UTF8.self))
        }

        func seconds(since start: ContinuousClock.Instant) -> Double {
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
    }
}

/// A fixed list of chunks as an async sequence.
struct ChunkList: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let chunks: [[UInt8]]

    struct AsyncIterator: AsyncIteratorProtocol {
        var index = 0
        let chunks: [[UInt8]]
        mutating func next() async -> [UInt8]? {
            guard index < chunks.count else { return nil }
            defer { index += 1 }
            return chunks[index]
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: chunks) }
}
