import Foundation
import MadoguchiProcess
import MadoguchiDatabase
#if canImport(Glibc)
import Glibc
#endif

/// A real SMTP server for a test (#16): aiosmtpd on 127.0.0.1 (`Tests/MailServer/smtp_sink.py`),
/// with STARTTLS and AUTH when asked, writing each accepted message to a folder.
public final class TestSMTP: Sendable {
    public let port: Int
    public let folder: URL
    /// The CA file a client must trust (the server's self-signed certificate), when TLS is on.
    public let certificate: String?
    let pidFile: String

    init(port: Int, folder: URL, certificate: String?, pidFile: String) {
        self.port = port
        self.folder = folder
        self.certificate = certificate
        self.pidFile = pidFile
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MailServer/smtp_sink.py").path

    /// Starts a server; `tls` adds STARTTLS (required) with a fresh certificate for `localhost`,
    /// `auth` ("user:pass") requires AUTH.
    public static func start(tls: Bool = false, auth: String? = nil) async throws -> TestSMTP {
        try await OffPool.run {
            let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("madoguchi-smtp-\(getpid())-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("mail"), withIntermediateDirectories: true)
            var options = ""
            var certificate: String?
            if tls {
                let cert = folder.appendingPathComponent("cert.pem").path, key = folder.appendingPathComponent("key.pem").path
                let made = try ProcessRunner.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                                                  "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert])
                guard made.status == 0 else { throw FixtureError("openssl: \(made.output)") }
                options += " --cert '\(cert)' --key '\(key)'"
                certificate = cert
            }
            if let auth { options += " --auth '\(auth)'" }
            let out = folder.appendingPathComponent("server.out").path, pidFile = folder.appendingPathComponent("pid").path
            let script = """
                /usr/bin/python3 '\(Self.script)' --out '\(folder.appendingPathComponent("mail").path)'\(options) > '\(out)' 2>&1 &
                echo $! > '\(pidFile)'
                server=$!
                while kill -0 \(getpid()) 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done
                kill $server 2>/dev/null
                """
            try ProcessRunner.spawnDetached(["/bin/sh", "-c", script])
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let text = try? String(contentsOfFile: out, encoding: .utf8), let line = text.split(separator: "\n").first(where: { $0.hasPrefix("READY port=") }),
                   let port = Int(line.dropFirst("READY port=".count)) {
                    return TestSMTP(port: port, folder: folder, certificate: certificate, pidFile: pidFile)
                }
                usleep(100_000)
            }
            throw FixtureError("the SMTP server did not start: \((try? String(contentsOfFile: out, encoding: .utf8)) ?? "")")
        }
    }

    /// The messages accepted so far, oldest first (headers and body as received).
    public func messages() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("mail").path).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { try String(contentsOf: folder.appendingPathComponent("mail").appendingPathComponent($0), encoding: .utf8) }
    }

    /// The decoded text body of a received message (base64 UTF-8, as Madoguchi sends it).
    public static func body(of message: String) -> String {
        guard let range = message.range(of: "\r\n\r\n") ?? message.range(of: "\n\n") else { return "" }
        let encoded = message[range.upperBound...].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    public func stop() {
        if let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            kill(pid, SIGTERM)
        }
        try? FileManager.default.removeItem(at: folder)
    }
}
