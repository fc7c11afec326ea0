/// ISO 7816-4 command and response APDUs, as far as the My Number card needs them.
public struct CommandAPDU: Sendable, Equatable {
    public let bytes: [UInt8]

    /// SELECT a DF by its AID (`00 A4 04 0C`, no answer data).
    public static func selectDF(_ aid: [UInt8]) -> CommandAPDU { CommandAPDU(bytes: [0x00, 0xA4, 0x04, 0x0C, UInt8(aid.count)] + aid) }

    /// SELECT an EF of the current DF by its 2-byte id (`00 A4 02 0C`).
    public static func selectEF(_ id: UInt16) -> CommandAPDU { CommandAPDU(bytes: [0x00, 0xA4, 0x02, 0x0C, 0x02, UInt8(id >> 8), UInt8(id & 0xFF)]) }

    /// VERIFY the current EF's key (`00 20 00 80`); without data it asks for the remaining tries.
    public static func verify(_ value: [UInt8]?) -> CommandAPDU {
        guard let value else { return CommandAPDU(bytes: [0x00, 0x20, 0x00, 0x80]) }
        return CommandAPDU(bytes: [0x00, 0x20, 0x00, 0x80, UInt8(value.count)] + value)
    }

    /// READ BINARY of the current EF from `offset` (15 bits), up to `length` (1…256) bytes.
    public static func readBinary(offset: Int, length: Int) -> CommandAPDU {
        CommandAPDU(bytes: [0x00, 0xB0, UInt8((offset >> 8) & 0x7F), UInt8(offset & 0xFF), UInt8(length == 256 ? 0 : length)])
    }
}

public struct ResponseAPDU: Sendable, Equatable {
    public let data: [UInt8]
    public let sw1: UInt8
    public let sw2: UInt8

    public init(_ raw: [UInt8]) throws {
        guard raw.count >= 2 else { throw CardReaderError.unexpected("応答が短すぎます（\(raw.count)バイト）") }
        data = Array(raw.dropLast(2))
        sw1 = raw[raw.count - 2]
        sw2 = raw[raw.count - 1]
    }

    public var status: UInt16 { UInt16(sw1) << 8 | UInt16(sw2) }
    public var isOK: Bool { status == 0x9000 }
    public var statusText: String { String(format: "%02X%02X", sw1, sw2) }
}

/// One card channel: a connected card that takes command APDUs. pcsc-lite is the one real
/// conformance; the reading logic sees only this.
public protocol CardChannel: Sendable {
    func transmit(_ command: CommandAPDU) throws -> ResponseAPDU
}
