import CPCSCLite
import Dispatch
import Foundation

/// The counter's reader through PC/SC (pcsc-lite here; WinSCard has the same calls, names and
/// status codes, so this file is the whole port). Every call blocks, so they run on one serial
/// queue of their own (never on Swift's cooperative threads).
public final class PCSCReader: @unchecked Sendable {
    // pcsclite.h's error macros carry a C cast, which Swift does not import; the values are
    // the same on every PC/SC implementation.
    static let success = 0x0000_0000
    static let timeout = 0x8010_000A
    static let noSmartcard = 0x8010_000C
    static let unknownReader = 0x8010_0009
    static let readerUnavailable = 0x8010_0017
    static let noService = 0x8010_001D
    static let serviceStopped = 0x8010_001E
    static let noReadersAvailable = 0x8010_002E
    static let removedCard = 0x8010_0069
    static let resetCard = 0x8010_0068
    static let unresponsiveCard = 0x8010_0066
    static let unpoweredCard = 0x8010_0067

    let queue = DispatchQueue(label: "madoguchi.pcsc")
    private var context: SCARDCONTEXT = 0

    public init() throws {
        var context: SCARDCONTEXT = 0
        let rv = SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context)
        guard Self.code(rv) == Self.success else { throw Self.error(rv, reader: "") }
        self.context = context
    }

    deinit { SCardReleaseContext(context) }

    /// Runs blocking PC/SC work off the cooperative pool.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// The attached readers' names.
    public func readers() throws -> [String] {
        var length: DWORD = 0
        var rv = SCardListReaders(context, nil, nil, &length)
        if Self.code(rv) == Self.noReadersAvailable { return [] }
        guard Self.code(rv) == Self.success else { throw Self.error(rv, reader: "") }
        var buffer = [CChar](repeating: 0, count: Int(length))
        rv = SCardListReaders(context, nil, &buffer, &length)
        if Self.code(rv) == Self.noReadersAvailable { return [] }
        guard Self.code(rv) == Self.success else { throw Self.error(rv, reader: "") }
        // A multi-string: names separated by NUL, ended by an empty one.
        return buffer.split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }

    /// The reader to use: the named one, or the only one attached.
    public func reader(named name: String?) throws -> String {
        let all = try readers()
        if let name, !name.isEmpty {
            guard let found = all.first(where: { $0 == name }) ?? all.first(where: { $0.hasPrefix(name) }) else { throw CardReaderError.readerUnavailable(name) }
            return found
        }
        guard let first = all.first else { throw CardReaderError.noReader }
        return first
    }

    /// Waits until a card is on `reader` (at most `seconds`); false when none came.
    public func waitForCard(reader: String, seconds: Double) throws -> Bool {
        try reader.withCString { name in
            var state = SCARD_READERSTATE()
            state.szReader = name
            state.dwCurrentState = DWORD(SCARD_STATE_UNAWARE)
            var remaining = Int(seconds * 1000)
            while true {
                let rv = SCardGetStatusChange(context, DWORD(max(remaining, 0)), &state, 1)
                let code = Self.code(rv)
                if code == Self.timeout { return false }
                guard code == Self.success else { throw Self.error(rv, reader: reader) }
                if state.dwEventState & DWORD(SCARD_STATE_PRESENT) != 0 { return true }
                if state.dwEventState & DWORD(SCARD_STATE_UNAVAILABLE) != 0 { throw CardReaderError.readerUnavailable(reader) }
                state.dwCurrentState = state.dwEventState & ~DWORD(SCARD_STATE_CHANGED)
                remaining -= 250
                if remaining <= 0 { return false }
            }
        }
    }

    /// Waits (at most `seconds`) for a card on `reader` and connects to it. A card just put down
    /// is present a moment before pcscd has powered it (SCardConnect then says "no card"):
    /// the connect is retried until the same deadline.
    public func connectWhenReady(reader: String, seconds: Double) throws -> Connection {
        let deadline = Date().addingTimeInterval(seconds)
        guard try waitForCard(reader: reader, seconds: seconds) else { throw CardReaderError.noCard }
        while true {
            do {
                return try connect(reader: reader)
            } catch CardReaderError.noCard, CardReaderError.cardRemoved {
                guard Date() < deadline else { throw CardReaderError.noCard }
                usleep(200_000)
            }
        }
    }

    /// Connects to the card on `reader`, exclusively (no other program talks to it meanwhile).
    public func connect(reader: String) throws -> Connection {
        var handle: SCARDHANDLE = 0
        var protocolUsed: DWORD = 0
        let rv = SCardConnect(context, reader, DWORD(SCARD_SHARE_EXCLUSIVE), DWORD(SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0), &handle, &protocolUsed)
        guard Self.code(rv) == Self.success else { throw Self.error(rv, reader: reader) }
        return Connection(handle: handle, protocolUsed: protocolUsed, reader: reader)
    }

    /// One connected card.
    public final class Connection: CardChannel, @unchecked Sendable {
        let handle: SCARDHANDLE
        let protocolUsed: DWORD
        public let reader: String
        private var open = true

        init(handle: SCARDHANDLE, protocolUsed: DWORD, reader: String) {
            self.handle = handle
            self.protocolUsed = protocolUsed
            self.reader = reader
        }

        public func transmit(_ command: CommandAPDU) throws -> ResponseAPDU {
            var received = [UInt8](repeating: 0, count: 258 + 2)
            var length = DWORD(received.count)
            var pci = protocolUsed == DWORD(SCARD_PROTOCOL_T0) ? g_rgSCardT0Pci : g_rgSCardT1Pci
            let rv = command.bytes.withUnsafeBufferPointer { send in
                SCardTransmit(handle, &pci, send.baseAddress, DWORD(send.count), nil, &received, &length)
            }
            guard PCSCReader.code(rv) == PCSCReader.success else { throw PCSCReader.error(rv, reader: reader) }
            return try ResponseAPDU(Array(received.prefix(Int(length))))
        }

        /// Ends the session and resets the card, so no verified state outlives the read.
        public func disconnect() {
            guard open else { return }
            open = false
            SCardDisconnect(handle, DWORD(SCARD_RESET_CARD))
        }

        deinit { disconnect() }
    }

    static func code(_ rv: LONG) -> Int { Int(UInt32(truncatingIfNeeded: rv)) }

    static func error(_ rv: LONG, reader: String) -> CardReaderError {
        switch code(rv) {
        case noSmartcard: .noCard
        case removedCard, resetCard, unpoweredCard: .cardRemoved
        case unknownReader, readerUnavailable: .readerUnavailable(reader)
        case noReadersAvailable: .noReader
        case noService, serviceStopped: .noService
        case unresponsiveCard: .unexpected("カードが応答しません")
        default: .unexpected(String(format: "PC/SC 0x%08X", code(rv)))
        }
    }
}
