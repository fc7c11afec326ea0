import Foundation

public struct Document: Sendable, Codable, Equatable {
    public var id: Int64
    public var applicantID: Int64
    public var applicationID: String?
    public var kind: String
    public var sha256: String
    public var format: String
    public var originalFilename: String
    public var pageCount: Int
    public var uploadedAt: Date
    /// Stored with the configured regions masked (the upload itself was not kept).
    public var redacted: Bool
    public var intakeID: Int64?

    public init(id: Int64, applicantID: Int64, applicationID: String?, kind: String, sha256: String, format: String,
                originalFilename: String, pageCount: Int, uploadedAt: Date, redacted: Bool = false, intakeID: Int64? = nil) {
        self.id = id
        self.applicantID = applicantID
        self.applicationID = applicationID
        self.kind = kind
        self.sha256 = sha256
        self.format = format
        self.originalFilename = originalFilename
        self.pageCount = pageCount
        self.uploadedAt = uploadedAt
        self.redacted = redacted
        self.intakeID = intakeID
    }
}
