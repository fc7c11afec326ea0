import ArgumentParser
import Crypto
import Foundation
import MadoguchiArchive
import MadoguchiImaging
import MadoguchiSites
import NIOCore

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

            // 4. The upload form parser the routes use, on all files in one multipart body arriving in
            //    64 KiB chunks, against only collecting those chunks (the floor any parser pays).
            let boundary = "----madoguchi-benchmark-7MA4YWxkTrZu0gW"
            var form: [UInt8] = []
            for (i, data) in datas.enumerated() {
                form += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan\(i).tif\"\r\nContent-Type: image/tiff\r\n\r\n".utf8)
                form += data
                form += Array("\r\n".utf8)
            }
            form += Array("--\(boundary)--\r\n".utf8)
            let chunks = stride(from: 0, to: form.count, by: 65_536).map { ByteBuffer(bytes: form[$0..<Swift.min($0 + 65_536, form.count)]) }
            start = ContinuousClock.now
            let (_, parsed) = try await MultipartBody.read(BufferList(chunks: chunks), boundary: boundary, limit: form.count)
            let parseSeconds = seconds(since: start)
            guard parsed["file"]?.map(\.data) == datas else { throw ValidationError("the multipart parser returned other bytes") }
            start = ContinuousClock.now
            var collected: [UInt8] = []
            collected.reserveCapacity(form.count)
            for try await chunk in BufferList(chunks: chunks) { collected += chunk.readableBytesView }
            let collectSeconds = seconds(since: start)

            let result: [String: Double] = [
                "files": Double(datas.count), "bytes": Double(bytes), "pages": Double(pages),
                "hash_seconds": hashSeconds, "put_seconds": putSeconds, "render_seconds": renderSeconds,
                "multipart_seconds": parseSeconds, "collect_seconds": collectSeconds,
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

/// A fixed list of chunks as an async sequence (a blob put's input, a request body's chunks).
struct FixedChunks<Chunk: Sendable>: AsyncSequence, Sendable {
    typealias Element = Chunk
    let chunks: [Chunk]

    struct AsyncIterator: AsyncIteratorProtocol {
        var index = 0
        let chunks: [Chunk]
        mutating func next() async -> Chunk? {
            guard index < chunks.count else { return nil }
            defer { index += 1 }
            return chunks[index]
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: chunks) }
}

typealias ChunkList = FixedChunks<[UInt8]>
typealias BufferList = FixedChunks<ByteBuffer>
