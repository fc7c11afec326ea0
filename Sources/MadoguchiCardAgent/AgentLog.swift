import Foundation

/// One JSON object per line on standard error, for the terminal's log collector. Callers pass
/// only what may be logged: never 照合番号B, a PIN, or what the card says.
struct AgentLog: Sendable {
    func write(_ level: String, _ event: String, _ fields: [String: String] = [:]) {
        var object = fields
        object["time"] = ISO8601DateFormatter().string(from: Date())
        object["level"] = level
        object["event"] = event
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }

    func info(_ event: String, _ fields: [String: String] = [:]) { write("info", event, fields) }
    func warning(_ event: String, _ fields: [String: String] = [:]) { write("warning", event, fields) }
    func error(_ event: String, _ fields: [String: String] = [:]) { write("error", event, fields) }
}
