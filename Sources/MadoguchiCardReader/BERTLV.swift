/// BER-TLV as the card's text APs write it: multi-byte tags (`FF 20`, `DF 22`), lengths in one
/// byte or `81 ll` / `82 hh ll`. Parsed by tag, never by fixed offsets (card batches differ).
public struct BERTLV: Sendable, Equatable {
    public let tag: UInt32
    public let value: [UInt8]
    /// Bytes of tag and length before the value.
    public let headerLength: Int

    public var totalLength: Int { headerLength + value.count }

    /// The TLV objects one after another in `bytes` (a constructed value, or a whole file).
    /// Trailing `FF` / `00` filler after the last object is ignored.
    public static func parseAll(_ bytes: [UInt8]) throws -> [BERTLV] {
        var objects: [BERTLV] = []
        var index = 0
        // `FF FF` (or `00`) where a tag would start is the filler; `FF 20` is a tag.
        while index < bytes.count, bytes[index] != 0x00, bytes[index] != 0xFF || (index + 1 < bytes.count && bytes[index + 1] != 0xFF) {
            let object = try parse(bytes, at: index)
            objects.append(object)
            index += object.totalLength
        }
        return objects
    }

    /// One object at `start`; throws when the header or the value runs past the end.
    public static func parse(_ bytes: [UInt8], at start: Int = 0) throws -> BERTLV {
        guard let header = try header(bytes, at: start) else { throw CardReaderError.unexpected("TLVの形式が正しくありません") }
        let end = start + header.headerLength + header.length
        guard end <= bytes.count else { throw CardReaderError.unexpected("TLVが途中で切れています") }
        return BERTLV(tag: header.tag, value: Array(bytes[(start + header.headerLength)..<end]), headerLength: header.headerLength)
    }

    /// The tag, the value's length and the header's size, from the first bytes of an object
    /// (enough to know how much more to read); nil when `bytes` is too short to tell.
    public static func header(_ bytes: [UInt8], at start: Int = 0) throws -> (tag: UInt32, length: Int, headerLength: Int)? {
        var index = start
        guard index < bytes.count else { return nil }
        var tag = UInt32(bytes[index])
        index += 1
        if tag & 0x1F == 0x1F {
            repeat {
                guard index < bytes.count else { return nil }
                guard tag <= 0xFF_FFFF else { throw CardReaderError.unexpected("TLVのタグが長すぎます") }
                tag = tag << 8 | UInt32(bytes[index])
                index += 1
            } while bytes[index - 1] & 0x80 != 0
        }
        guard index < bytes.count else { return nil }
        let first = bytes[index]
        index += 1
        var length = Int(first)
        if first & 0x80 != 0 {
            let count = Int(first & 0x7F)
            guard (1...3).contains(count) else { throw CardReaderError.unexpected("TLVの長さが不正です") }
            guard index + count <= bytes.count else { return nil }
            length = bytes[index..<(index + count)].reduce(0) { $0 << 8 | Int($1) }
            index += count
        }
        return (tag, length, index - start)
    }

    /// The first child with `tag` of a constructed value.
    public func child(_ tag: UInt32) throws -> BERTLV? { try BERTLV.parseAll(value).first { $0.tag == tag } }
}
