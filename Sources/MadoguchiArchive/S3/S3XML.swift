import Foundation
import NIOCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The two S3 XML documents the blob store reads: a ListObjectsV2 result and an error.
enum S3XML {
    struct Listing {
        var objects: [(key: String, size: Int64, modified: Date?)] = []
        var isTruncated = false
    }

    struct ErrorBody {
        var code: String
        var message: String?
    }

    static func listing(in body: ByteBuffer) throws -> Listing {
        let collector = Collector()
        try collector.parse(body)
        var listing = Listing()
        listing.isTruncated = collector.topLevel["IsTruncated"] == "true"
        for entry in collector.contents {
            guard let key = entry["Key"], let size = entry["Size"].flatMap(Int64.init) else { continue }
            listing.objects.append((key, size, entry["LastModified"].flatMap(parseDate)))
        }
        return listing
    }

    static func error(in body: ByteBuffer) -> ErrorBody? {
        let collector = Collector()
        guard (try? collector.parse(body)) != nil, let code = collector.topLevel["Code"] else { return nil }
        return ErrorBody(code: code, message: collector.topLevel["Message"])
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Text of the root's child elements, and of each `<Contents>` element's children.
    final class Collector: NSObject, XMLParserDelegate {
        var topLevel: [String: String] = [:]
        var contents: [[String: String]] = []
        var path: [String] = []
        var text = ""

        func parse(_ body: ByteBuffer) throws {
            let parser = XMLParser(data: Data(body.readableBytesView))
            parser.delegate = self
            guard parser.parse() else {
                throw BlobStoreError.io("the S3 server sent XML that does not parse (\(parser.parserError.map { "\($0)" } ?? "unknown"))")
            }
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            path.append(name)
            text = ""
            if path.count == 2, name == "Contents" { contents.append([:]) }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if path.count == 2 { topLevel[name] = text }
            if path.count == 3, path[1] == "Contents" { contents[contents.count - 1][name] = text }
            path.removeLast()
            text = ""
        }
    }
}
