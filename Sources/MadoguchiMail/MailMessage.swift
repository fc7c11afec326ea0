import Foundation

/// One e-mail as the office sends it (#16): UTF-8 `text/plain`, quoted-printable-free (base64
/// body, so every line stays short and 8-bit-clean relays need nothing), RFC 2047 `Subject`,
/// `Message-ID`, `Date`, and `List-Unsubscribe` where the resident can opt out.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var replyTo: String?
    public var to: String
    public var subject: String
    public var body: String
    public var messageID: String
    public var date: Date
    public var listUnsubscribe: String?

    public init(from: String, replyTo: String? = nil, to: String, subject: String, body: String, messageID: String, date: Date,
                listUnsubscribe: String? = nil) {
        self.from = from
        self.replyTo = replyTo
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
        self.listUnsubscribe = listUnsubscribe
    }

    /// The message as it goes after DATA, lines ended by CRLF (dot-stuffing is the client's).
    public func rendered() -> String {
        var headers = [
            "From: \(from)",
            "To: \(to)",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
        ]
        if let replyTo { headers.append("Reply-To: \(replyTo)") }
        if let listUnsubscribe { headers.append("List-Unsubscribe: <\(listUnsubscribe)>") }
        let normalised = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(normalised.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encoded + "\r\n"
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters, split between characters (never
    /// inside one), folded onto continuation lines; plain ASCII stays as it is.
    public static func encodedWord(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII || $0.value < 0x20 }) else { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            // 45 bytes of UTF-8 make 60 base64 characters: with "=?UTF-8?B?" and "?=" under 75.
            if (chunk + String(character)).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Tokyo")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// An address a relay will take: one `@`, no spaces, no angle brackets or line breaks (a
    /// header injection must not get through).
    public static func isPlausibleAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && address.count <= 254
            && !address.contains(where: { $0.isWhitespace || "<>\r\n,;\"".contains($0) })
    }
}
