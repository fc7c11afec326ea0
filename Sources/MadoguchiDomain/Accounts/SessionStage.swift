/// How far a staff session has got through sign-in (#13): a right password opens a session
/// that may only enter its second factor (`mfa`) or, when a role requires MFA and none is set
/// up, only enrol one (`enrol`); the site opens at `full`.
public enum SessionStage: String, Sendable, Codable {
    case mfa, enrol, full
}
