import ArgumentParser
import Foundation
import MadoguchiCardReader
import MadoguchiDomain

/// `madoguchi-card-agent`: runs on a counter terminal beside its card reader. It connects out to
/// the staff site (never listens), long-polls for read jobs of this terminal, reads the card on
/// the reader and posts what the card says, or why it could not.
@main
struct CardAgentCommand: AsyncParsableCommand {
    static let version = "1.0.0"

    static let configuration = CommandConfiguration(
        commandName: "madoguchi-card-agent",
        abstract: "Read My Number cards at a counter for the Madoguchi staff site (C7).",
        discussion: """
            The token (role card-terminal, scope card.terminal) is read from --token-file or from
            MADOGUCHI_CARD_AGENT_TOKEN, never from the command line (other users can see it there).
            Logs are JSON lines on standard error; 照合番号B and PINs are never logged.
            Exit codes: 0 stopped, 1 bad settings, 2 the server refused the token or the terminal name.
            """,
        version: version)

    @Option(help: "The staff site, e.g. https://madoguchi-staff.city.lg.jp") var server: String?
    @Option(help: "This counter's name (A-Z a-z 0-9 . _ -), as staff choose it on the card page.") var terminal: String?
    @Option(help: "PC/SC reader name (or its beginning); default: the only reader attached.") var reader: String?
    @Option(name: .customLong("token-file"), help: "File holding the bearer token (mode 0600).") var tokenFile: String?
    @Option(name: .customLong("card-wait"), help: "Seconds to wait for a card to be placed.") var cardWait: Double = 30
    @Flag(name: .customLong("pin-from-stdin"), help: "Read the holder's PIN from standard input (a PIN pad wrapper) instead of the terminal.")
    var pinFromStdin = false
    @Flag(name: .customLong("list-readers"), help: "Print the attached readers and exit.") var listReaders = false
    @Flag(name: .customLong("check-card"), help: "Identify the card on the reader (no PIN, no 照合番号B) and exit.") var checkCard = false

    func run() async throws {
        if listReaders {
            let names = try PCSCReader().readers()
            print(names.isEmpty ? "カードリーダーが接続されていません。" : names.joined(separator: "\n"))
            return
        }
        if checkCard {
            let pcsc = try PCSCReader()
            let (reader, identity) = try await pcsc.run { [reader] in
                let name = try pcsc.reader(named: reader)
                let connection = try pcsc.connectWhenReady(reader: name, seconds: 5)
                defer { connection.disconnect() }
                var card = MyNumberCard(channel: connection)
                return (name, try card.identify())
            }
            print("\(reader): マイナンバーカード（利用者証明用電子証明書の有効期限 \(identity)）")
            return
        }
        guard let server, let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
            throw ValidationError("--server must be the staff site's http(s) URL")
        }
        guard let terminal, !terminal.isEmpty else { throw ValidationError("--terminal names this counter") }
        let token = try Self.token(file: tokenFile)
        let agent = CardAgent(client: AgentClient(server: url, token: token), terminal: terminal, readerName: reader, cardWait: cardWait,
                              pin: pinFromStdin ? PinSource.standardInput : PinSource.terminal, log: AgentLog())
        try await agent.run()
    }

    static func token(file: String?) throws -> String {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("cannot read the token file \(file)") }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let token = ProcessInfo.processInfo.environment["MADOGUCHI_CARD_AGENT_TOKEN"], !token.isEmpty { return token }
        throw ValidationError("give the token with --token-file or MADOGUCHI_CARD_AGENT_TOKEN")
    }
}
