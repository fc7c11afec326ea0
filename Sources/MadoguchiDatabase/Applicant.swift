import Foundation

/// A registered applicant (申請者) as the staff pages and the API show them.
public struct Applicant: Sendable, Codable, Equatable {
    public var id: Int64
    public var familyName: String
    public var givenName: String
    public var familyKana: String
    public var givenKana: String
    public var birthDate: String
    public var sex: String
    public var postalCode: String
    public var address: String
    public var phone: String
    public var notes: String
    public var applicationIDs: [String]
    public var createdAt: Date

    public var fullName: String { givenName.isEmpty ? familyName : "\(familyName)　\(givenName)" }
    public var fullKana: String { givenKana.isEmpty ? familyKana : "\(familyKana)　\(givenKana)" }
}
