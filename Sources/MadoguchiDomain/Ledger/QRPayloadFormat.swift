/// What a QR code on the issuance list carries. The J-LIS layout is not public, so the format is
/// configuration: a regular expression whose named group `applicationID` captures the 23 digits
/// (a group `batch` may capture the delivery batch). The default assumes the application ID comes
/// first, optionally followed by a comma, tab or space and further fields that are ignored:
/// `12345678901234567890123` or `12345678901234567890123,1,…`.
public struct QRPayloadFormat: Sendable {
    public static let defaultPattern = #"^\s*(?<applicationID>[0-9]{23})(?:[,\t ].*)?\s*$"#

    public let pattern: String
    nonisolated(unsafe) let regex: Regex<AnyRegexOutput>

    public init(pattern: String = QRPayloadFormat.defaultPattern) throws(FormatError) {
        guard let regex = try? Regex(pattern), pattern.contains("(?<applicationID>") else { throw FormatError(pattern: pattern) }
        self.pattern = pattern
        self.regex = regex
    }

    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public let pattern: String
        public var description: String { "QRコードの形式（正規表現）が正しくないか、名前付きグループ applicationID がありません: \(pattern)" }
    }

    public struct Payload: Sendable, Equatable {
        public let applicationID: ApplicationID
        public let batch: String?
        public init(applicationID: ApplicationID, batch: String? = nil) {
            self.applicationID = applicationID
            self.batch = batch
        }
    }

    /// The application ID (and batch) a scanned code carries, or nil when the code is not one of ours.
    /// A keyboard-wedge scanner may type full-width digits or add a trailing newline: both are tolerated.
    public func parse(_ scanned: String) -> Payload? {
        let text = FileValue.key(scanned)
        guard let match = try? regex.wholeMatch(in: text),
              let idText = match["applicationID"]?.substring, let id = ApplicationID(String(idText)) else { return nil }
        // A batch the pattern captured is kept only when it fits the ledger and is no number.
        let batch = match["batch"]?.substring.map(String.init).flatMap { text in
            text.unicodeScalars.count <= 50 && !IndividualNumber.appears(in: text) ? text : nil
        }
        return Payload(applicationID: id, batch: batch)
    }
}
