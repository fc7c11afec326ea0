import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// SMTP over SwiftNIO (#16; no SMTP library is on the mirror): one connection per batch of
/// messages, EHLO, STARTTLS (or TLS from the start), AUTH PLAIN or LOGIN only over TLS, then
/// MAIL / RCPT / DATA with dot-stuffing per message, and QUIT. Multi-line replies are read
/// whole; 4xx is temporary, 5xx permanent (`SMTPError`).
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings
    /// The longest one conversation may take before the connection is closed.
    public var deadline: TimeAmount = .seconds(60)

    public init(settings: SMTPSettings) { self.settings = settings }

    /// Sends each message; the answer per message is nil (taken) or why not. A failure of the
    /// connection itself fails every message not yet sent, temporarily.
    public func send(_ messages: [MailMessage], envelopeFrom: String) async -> [SMTPError?] {
        var results = [SMTPError?](repeating: .connection("not attempted"), count: messages.count)
        do {
            let session = try await Session.open(settings, deadline: deadline)
            defer { session.close() }
            for (index, message) in messages.enumerated() {
                do {
                    try await session.deliver(message, envelopeFrom: envelopeFrom)
                    results[index] = nil
                } catch let error as SMTPError {
                    results[index] = error
                    if case .connection = error { break }
                    // After a refused RCPT or DATA the transaction is reset for the next message.
                    _ = try? await session.command("RSET")
                }
            }
            _ = try? await session.command("QUIT")
        } catch let error as SMTPError {
            // A refusal before any message (no STARTTLS, bad credentials) is the relay's or ours,
            // not the recipients': every message waits for the next round, no address is blamed.
            for index in results.indices where results[index] == .connection("not attempted") { results[index] = .connection(error.description) }
        } catch {
            for index in results.indices where results[index] == .connection("not attempted") { results[index] = .connection("\(error)") }
        }
        return results
    }

    /// One connection and its replies.
    final class Session: Sendable {
        let channel: any Channel
        let replies: AsyncStream<SMTPReply>
        nonisolated(unsafe) var iterator: AsyncStream<SMTPReply>.AsyncIterator
        let settings: SMTPSettings

        init(channel: any Channel, replies: AsyncStream<SMTPReply>, settings: SMTPSettings) {
            self.channel = channel
            self.replies = replies
            iterator = replies.makeAsyncIterator()
            self.settings = settings
        }

        static func tlsContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let file = settings.trustRootsFile { tls.trustRoots = .file(file) }
            return try NIOSSLContext(configuration: tls)
        }

        static func open(_ settings: SMTPSettings, deadline: TimeAmount) async throws -> Session {
            let (stream, continuation) = AsyncStream<SMTPReply>.makeStream()
            let context = settings.security == .plain ? nil : try tlsContext(settings)
            let implicit = settings.security == .implicitTLS
            // SNI carries names only: an IP literal goes without it (and is checked against the certificate's IP entries).
            let host: String? = settings.host.contains(":") || settings.host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : settings.host
            let channel: any Channel
            do {
                channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(10))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if implicit, let context {
                                try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: host))
                            }
                            try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler(continuation: continuation))
                        }
                    }
                    .connect(host: settings.host, port: settings.port).get()
            } catch {
                throw SMTPError.connection("\(settings.host):\(settings.port): \(error)")
            }
            // The whole conversation has a deadline: a relay that stops answering is cut off.
            channel.eventLoop.scheduleTask(in: deadline) { channel.close(promise: nil) }
            let session = Session(channel: channel, replies: stream, settings: settings)
            try session.expect(try await session.reply(), 220)
            var features = try await session.hello()
            if settings.security == .startTLS {
                guard features.contains(where: { $0.uppercased() == "STARTTLS" }) else {
                    throw SMTPError.permanent(code: 530, text: "the relay does not offer STARTTLS; refusing to send in clear text")
                }
                try session.expect(try await session.command("STARTTLS"), 220)
                guard let context else { throw SMTPError.settings("no TLS context") }
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: host), position: .first)
                }.get()
                features = try await session.hello()
            }
            if let user = settings.username {
                try await session.authenticate(user: user, password: settings.password ?? "", features: features)
            }
            return session
        }

        func hello() async throws -> [String] {
            let reply = try await command("EHLO \(settings.heloName)")
            try expect(reply, 250)
            return Array(reply.lines.dropFirst())
        }

        func authenticate(user: String, password: String, features: [String]) async throws {
            let mechanisms = features.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ").dropFirst().map(String.init) ?? []
            if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                try expect(try await command("AUTH PLAIN \(token)"), 235)
            } else {
                try expect(try await command("AUTH LOGIN"), 334)
                try expect(try await command(Data(user.utf8).base64EncodedString()), 334)
                try expect(try await command(Data(password.utf8).base64EncodedString()), 235)
            }
        }

        func deliver(_ message: MailMessage, envelopeFrom: String) async throws {
            // A refused sender is the office's configuration, not this recipient's fault.
            let from = try await command("MAIL FROM:<\(envelopeFrom)>")
            guard from.code == 250 else { throw SMTPError.connection("the relay refused the sender: \(from.code) \(from.lines.joined(separator: " "))") }
            let rcpt = try await command("RCPT TO:<\(message.to)>")
            guard rcpt.code == 250 || rcpt.code == 251 else { throw rcpt.error }
            try expect(try await command("DATA"), 354)
            try await write(Self.dotStuffed(message.rendered()) + ".\r\n")
            try expect(try await reply(), 250)
        }

        /// A line that begins with "." gets a second one (RFC 5321 4.5.2).
        static func dotStuffed(_ text: String) -> String {
            text.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
        }

        func command(_ line: String) async throws -> SMTPReply {
            try await write(line + "\r\n")
            return try await reply()
        }

        func write(_ text: String) async throws {
            do { try await channel.writeAndFlush(ByteBuffer(string: text)) } catch { throw SMTPError.connection("write: \(error)") }
        }

        func reply() async throws -> SMTPReply {
            guard let reply = await iterator.next() else { throw SMTPError.connection("the relay closed the connection") }
            return reply
        }

        func expect(_ reply: SMTPReply, _ code: Int) throws {
            guard reply.code == code else { throw reply.error }
        }

        func close() { channel.close(promise: nil) }
    }
}

/// One reply: its code and the text of each line.
public struct SMTPReply: Sendable, Equatable {
    public let code: Int
    public let lines: [String]

    var error: SMTPError {
        let text = lines.joined(separator: " ")
        return (400..<500).contains(code) ? .temporary(code: code, text: text) : .permanent(code: code, text: text)
    }
}

/// Splits the byte stream into replies: `250-…` lines continue, `250 …` ends one.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    let continuation: AsyncStream<SMTPReply>.Continuation
    var pending: [UInt8] = []
    var lines: [String] = []

    init(continuation: AsyncStream<SMTPReply>.Continuation) { self.continuation = continuation }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard pending.count < 65536 else {
            context.close(promise: nil)
            return
        }
        while let end = pending.firstIndex(of: 0x0A) {
            var line = Array(pending[..<end])
            pending.removeSubrange(...end)
            if line.last == 0x0D { line.removeLast() }
            let text = String(decoding: line, as: UTF8.self)
            guard text.count >= 3, let code = Int(text.prefix(3)) else { continue }
            lines.append(String(text.dropFirst(4)))
            if text.count == 3 || text[text.index(text.startIndex, offsetBy: 3)] != "-" {
                continuation.yield(SMTPReply(code: code, lines: lines))
                lines = []
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish()
        context.close(promise: nil)
    }
}
