import Crypto
import Foundation
import Hummingbird
@testable import MadoguchiSites
import Testing

/// The form parser behind every upload (#12 replaced the hand-written one with MultipartKit's
/// streaming parser): bodies arrive in network-sized chunks that split delimiters anywhere.
@Suite("Multipart form bodies streamed in chunks")
struct MultipartBodyTests {
    static let boundary = "----madoguchi7MA4YWxkTrZu0gW"

    static func body(parts: [(name: String, filename: String?, bytes: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { head += "; filename=\"\(filename)\"\r\nContent-Type: image/tiff" }
            head += "\r\n\r\n"
            out += Array(head.utf8) + part.bytes + Array("\r\n".utf8)
        }
        return out + Array("--\(boundary)--\r\n".utf8)
    }

    static func stream(_ bytes: [UInt8], chunk: Int) -> RequestBody {
        let chunks = stride(from: 0, to: bytes.count, by: chunk).map { ByteBuffer(bytes: bytes[$0..<min($0 + chunk, bytes.count)]) }
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        for chunk in chunks { continuation.yield(chunk) }
        continuation.finish()
        return RequestBody(asyncSequence: stream)
    }

    @Test("two files of 6 MB and 1 MB and a Japanese text field come out byte for byte, whatever the chunk size",
          arguments: [1, 7, 4096, 65_537])
    func largeFiles(chunk: Int) async throws {
        // setup: random bytes that contain the boundary's prefix and CRLFs, so the parser must not stop early
        var generator = SystemRandomNumberGenerator()
        let sizes = chunk == 1 ? [40_000, 9_000] : [6_000_000, 1_000_000]
        let first = (0..<sizes[0]).map { i in i % 9973 == 0 ? UInt8(ascii: "-") : UInt8.random(in: 0...255, using: &generator) }
        // The near-delimiter is followed by a byte that is not the boundary's last one ("W"): a
        // random byte there made it the real delimiter once in 256 runs.
        let second = Array("\r\n--\(Self.boundary.dropLast())X".utf8) + (0..<sizes[1]).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let bytes = Self.body(parts: [("csrf", nil, Array("トークン".utf8)), ("file", "a.tif", first), ("file", "b.tif", second)])

        // act
        let (form, files) = try await MultipartBody.read(Self.stream(bytes, chunk: chunk), boundary: Self.boundary, limit: bytes.count)

        // check
        #expect(form["csrf"] == "トークン")
        #expect(files["file"]?.map(\.filename) == ["a.tif", "b.tif"])
        #expect(files["file"]?.map { SHA256.hash(data: $0.data) } == [SHA256.hash(data: first), SHA256.hash(data: second)])
    }

    @Test("a body one byte over the limit is refused while it streams")
    func overLimit() async throws {
        // setup
        let bytes = Self.body(parts: [("file", "a.tif", [UInt8](repeating: 0x41, count: 100_000))])

        // act / check
        await #expect(throws: AppError.self) {
            _ = try await MultipartBody.read(Self.stream(bytes, chunk: 4096), boundary: Self.boundary, limit: bytes.count - 1)
        }
    }

    @Test("a body cut off before its closing delimiter, or with another boundary, is malformed",
          arguments: [true, false])
    func malformed(truncated: Bool) async throws {
        // setup
        let whole = Self.body(parts: [("file", "a.tif", [UInt8](repeating: 0x42, count: 10_000))])
        let bytes = truncated ? Array(whole.dropLast(40)) : whole

        // act / check
        await #expect(throws: MultipartBody.Malformed.self) {
            _ = try await MultipartBody.read(Self.stream(bytes, chunk: 1000), boundary: truncated ? Self.boundary : "other-boundary", limit: 1 << 20)
        }
    }
}
