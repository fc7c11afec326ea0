import Foundation
import MadoguchiProcess
import MadoguchiDatabase
#if canImport(Glibc)
import Glibc
#endif

/// A My Number card on the real PC/SC stack for tests (#15): pcscd with the vpcd driver shows
/// the reader "Virtual PCD 00 00", and `Tests/CardEmulator/jpki_card.py` plugs a synthetic card
/// into it, logging every APDU. One emulator at a time owns the reader: `VirtualCard.with`
/// serialises the tests that use it, whichever test target they are in.
public final class VirtualCard: Sendable {
    public static let readerName = "Virtual PCD 00 00"
    let controlPort: Int
    let pidFile: String

    init(controlPort: Int, pidFile: String) {
        self.controlPort = controlPort
        self.pidFile = pidFile
    }

    /// A holder the tests write themselves (values the emulator's own fixtures do not have).
    public struct Holder: Sendable {
        public var name: String
        public var address: String
        public var birthDate: String
        public var sex: String
        public var cardExpiry: String
        public var certificateNotAfter: String
        public var securityCode: String
        public var pin: String

        public init(name: String, address: String, birthDate: String, sex: String, cardExpiry: String, certificateNotAfter: String,
                    securityCode: String, pin: String) {
            self.name = name
            self.address = address
            self.birthDate = birthDate
            self.sex = sex
            self.cardExpiry = cardExpiry
            self.certificateNotAfter = certificateNotAfter
            self.securityCode = securityCode
            self.pin = pin
        }

        /// 照合番号B as printed on the card face: era-year YYMMDD of birth, expiry year, code.
        public var verificationCodeB: String {
            let parts = birthDate.split(separator: "-").map { Int($0)! }
            let key = parts[0] * 10000 + parts[1] * 100 + parts[2]
            let eraStart = [(20190501, 2019), (19890108, 1989), (19261225, 1926), (19120730, 1912)].first { key >= $0.0 }!.1
            return String(format: "%02d%02d%02d", parts[0] - eraStart + 1, parts[1], parts[2]) + cardExpiry.prefix(4) + securityCode
        }

        var json: [String: Any] {
            // No card_serial: the emulator derives one from name and birth date, so its keys come from the cache.
            ["name": name, "address": address, "birth_date": birthDate, "sex": sex,
             "card_expiry": cardExpiry, "cert_not_before": "2026-01-05T00:00:00Z", "cert_not_after": certificateNotAfter,
             "security_code": securityCode, "pin": pin, "auth_pin": "8642", "sign_password": "TESTPW99", "my_number": "990000000019"]
        }
    }

    /// Starts pcscd if needed and the emulator with `holder`'s card inserted; runs `body`; stops it.
    public static func with<T: Sendable>(_ holder: Holder, _ body: @Sendable (VirtualCard) async throws -> T) async throws -> T {
        await ReaderLock.shared.acquire()
        let outcome: Result<T, any Error>
        do {
            let card = try await OffPool.run { try start(holder) }
            do { outcome = .success(try await body(card)) } catch { outcome = .failure(error) }
            _ = try? await OffPool.run { card.stop() }
        } catch {
            outcome = .failure(error)
        }
        await ReaderLock.shared.release()
        return try outcome.get()
    }

    /// One command of the emulator's control protocol (a JSON line back).
    @discardableResult
    public func command(_ line: String) throws -> [String: Any] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket") }
        defer { close(fd) }
        // An emulator that stops answering fails the test in seconds instead of hanging the run.
        var limit = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(controlPort).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw FixtureError("the emulator's control port does not answer") }
        let bytes = Array((line + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw FixtureError("write") }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !answer.contains(0x0A) {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            answer += buffer.prefix(n)
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any] else { throw FixtureError("bad answer") }
        return object
    }

    /// Every APDU the card received since the last `reset-log`.
    public func log() throws -> [[String: Any]] { try command("log")["entries"] as? [[String: Any]] ?? [] }

    /// What the card refused to be asked for: selections of the individual-number files and keys.
    public func violations() throws -> [[String: Any]] { try command("violations")["entries"] as? [[String: Any]] ?? [] }

    /// The remaining tries of one key, e.g. `kenhojo/0015` (照合番号B in 入力補助AP).
    public func tries(_ reference: String) throws -> Int? {
        let state = try command("state")
        let tries = state["tries"] as? [[String: Any]] ?? []
        return tries.first { $0["ref"] as? String == reference }?["remaining"] as? Int
    }

    func stop() {
        _ = try? command("shutdown")
        if let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            kill(pid, SIGTERM)
        }
        // pcscd notices the card is gone within its next poll; give it that before the next test.
        usleep(300_000)
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("CardEmulator")
    static let pcscStarted = PCSCStart()

    static func start(_ holder: Holder) throws -> VirtualCard {
        try pcscStarted.ensure()
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("madoguchi-card-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let holderFile = root.appendingPathComponent("holder.json")
        try JSONSerialization.data(withJSONObject: holder.json).write(to: holderFile)
        let out = root.appendingPathComponent("emulator.out").path, pidFile = root.appendingPathComponent("pid").path
        // The keys take seconds to generate: one cache for the whole machine.
        let keys = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("madoguchi-card-keys").path
        let script = """
            /usr/bin/python3 '\(directory.appendingPathComponent("jpki_card.py").path)' --holder '\(holderFile.path)' --control-port 0 \
              --key-cache '\(keys)' --removed > '\(out)' 2>&1 &
            echo $! > '\(pidFile)'
            card=$!
            while kill -0 \(getpid()) 2>/dev/null && kill -0 $card 2>/dev/null; do sleep 1; done
            kill $card 2>/dev/null
            """
        try ProcessRunner.spawnDetached(["/bin/sh", "-c", script])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: out, encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }),
               let control = line.split(separator: " ").first(where: { $0.hasPrefix("control=") }),
               let port = Int(control.split(separator: ":").last ?? "") {
                let card = VirtualCard(controlPort: port, pidFile: pidFile)
                _ = try card.command("insert 10")
                return card
            }
            usleep(100_000)
        }
        throw FixtureError("the card emulator did not start: \((try? String(contentsOfFile: out, encoding: .utf8)) ?? "")")
    }
}

/// pcscd once per test process (Tests/CardEmulator/start-pcsc.sh starts it unless it runs).
final class PCSCStart: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func ensure() throws {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        let result = try ProcessRunner.run([VirtualCard.directory.appendingPathComponent("start-pcsc.sh").path])
        guard result.status == 0 else { throw FixtureError("pcscd with vpcd did not start: \(result.output)") }
        done = true
    }
}

/// The one virtual reader, for one test at a time.
actor ReaderLock {
    static let shared = ReaderLock()
    var busy = false
    var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if busy { await withCheckedContinuation { waiters.append($0) } } else { busy = true }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

/// A test fixture (emulator, SMTP server, agent) that would not start or answer.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
