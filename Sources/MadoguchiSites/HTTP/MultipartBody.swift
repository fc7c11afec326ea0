import Foundation
import Hummingbird
import MultipartKit

/// A `multipart/form-data` body (RFC 7578) read with MultipartKit's streaming parser as the
/// chunks arrive: text parts join the form (the CSRF token is one), file parts are kept with
/// their file name. The whole body is bounded by `limit`, counted while it streams, so an
/// oversized upload is refused without ever being held in memory whole.
public enum MultipartBody {
    public struct Malformed: Error {}

    public static func boundary(from contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(value.count) ? value : nil
            }
        }
        return nil
    }

    /// Reads the parts; throws `AppError.payloadTooLarge` past `limit`, `Malformed` when the body
    /// is not well-formed multipart with this boundary.
    /// Generic over the body so `madoguchi benchmark archive` can time the same parser the routes use.
    public static func read<Body: AsyncSequence>(_ body: Body, boundary: String, limit: Int) async throws -> (FormData, [String: [UploadedFile]])
    where Body.Element == ByteBuffer {
        let collector = Collector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.header(name, value) }
        parser.onBody = { buffer in collector.body(&buffer) }
        parser.onPartComplete = { collector.complete() }
        var received = 0
        for try await chunk in body {
            received += chunk.readableBytes
            if received > limit { throw AppError.payloadTooLarge }
            do { try parser.execute(chunk) } catch { throw Malformed() }
        }
        guard collector.parts > 0, !collector.inPart else { throw Malformed() }
        return (collector.form, collector.files)
    }

    /// Gathers the parser's callbacks into form fields and files (one request, one task).
    final class Collector {
        var form = FormData()
        var files: [String: [UploadedFile]] = [:]
        var parts = 0
        var inPart = false
        private var headers: [(String, String)] = []
        private var content = Data()

        func header(_ name: String, _ value: String) {
            inPart = true
            headers.append((name.lowercased(), value))
        }

        func body(_ buffer: inout ByteBuffer) {
            inPart = true
            content.append(contentsOf: buffer.readableBytesView)
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        }

        func complete() {
            defer {
                headers = []
                content = Data()
                inPart = false
                parts += 1
            }
            guard let disposition = headers.first(where: { $0.0 == "content-disposition" })?.1,
                  let name = Self.parameter("name", in: disposition) else { return }
            let type = headers.first(where: { $0.0 == "content-type" })?.1 ?? "application/octet-stream"
            if let filename = Self.parameter("filename", in: disposition) {
                // An empty file input is sent as a part with no file name and no bytes.
                if !filename.isEmpty || !content.isEmpty {
                    files[name, default: []].append(UploadedFile(filename: filename, contentType: type, data: content))
                }
            } else {
                form.append(name, String(decoding: content, as: UTF8.self))
            }
        }

        static func parameter(_ key: String, in header: String) -> String? {
            for piece in header.split(separator: ";").dropFirst() {
                let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, pair[0].lowercased() == key else { continue }
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                return value.replacingOccurrences(of: "%22", with: "\"")
            }
            return nil
        }
    }
}
