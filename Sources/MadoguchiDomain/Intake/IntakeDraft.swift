import Foundation

/// The editable part of an intake record.
public struct IntakeDraft: Sendable, Equatable {
    public var applicationID: String
    public var channel: IntakeChannel
    public var receivedOn: CalendarDate
    public var locationID: Int64?
    public var sessionID: Int64?
    public var identityVerified: Bool
    public var notes: String

    public init(applicationID: String, channel: IntakeChannel, receivedOn: CalendarDate, locationID: Int64?, sessionID: Int64?,
                identityVerified: Bool, notes: String) {
        self.applicationID = applicationID
        self.channel = channel
        self.receivedOn = receivedOn
        self.locationID = locationID
        self.sessionID = sessionID
        self.identityVerified = identityVerified
        self.notes = notes
    }

    /// Reads and checks the intake form's values (B1): a valid application ID, a channel, a
    /// received day not in the future, a session only for channels that have sessions, and notes
    /// of at most 2000 characters without an individual number. Every problem is reported.
    public static func parse(applicationID: String, channel: String, receivedOn: String, locationID: String, sessionID: String,
                             identityVerified: Bool, notes: String, today: Date) -> Result<IntakeDraft, InvalidInput> {
        var problems: [FieldProblem] = []
        let id = ApplicationID(applicationID)?.digits
        if id == nil { problems.append(.init(field: "applicationId", message: ApplicationID.invalidMessage)) }
        let channel = IntakeChannel(rawValue: channel)
        if channel == nil { problems.append(.init(field: "channel", message: "受付方法を選んでください。")) }
        let day = CalendarDate(receivedOn)
        if day == nil || !(day!.isOnOrBefore(today)) {
            problems.append(.init(field: "receivedOn", message: "受付日を正しく入力してください（未来の日付は不可）。"))
        }
        let session = Int64(sessionID)
        if session != nil, !(channel?.hasSessions ?? false) {
            problems.append(.init(field: "sessionId", message: "出張・勤務地等経由の受付だけが出張先に属します。"))
        }
        let notes = notes.trimmingCharacters(in: .whitespacesAndNewlines)
        if notes.count > 2000 { problems.append(.init(field: "notes", message: "備考は2000文字以内で入力してください。")) }
        if IndividualNumber.appears(in: notes) { problems.append(.init(field: "notes", message: IndividualNumber.refusalMessage)) }
        guard problems.isEmpty, let id, let channel, let day else { return .failure(InvalidInput(problems)) }
        return .success(IntakeDraft(applicationID: id, channel: channel, receivedOn: day, locationID: Int64(locationID), sessionID: session,
                                    identityVerified: identityVerified, notes: notes))
    }
}
