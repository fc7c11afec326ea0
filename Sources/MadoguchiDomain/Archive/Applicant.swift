import Foundation

/// An applicant (申請者): what staff or a scanning station send to register one (validated by
/// `validated`), and what the pages and the API read back with its id and application IDs.
public struct Applicant: Sendable, Codable, Equatable {
    /// 0 until the applicant is registered.
    public var id: Int64
    public var familyName: String
    public var givenName: String
    public var familyKana: String
    public var givenKana: String
    /// `YYYY-MM-DD`.
    public var birthDate: String
    /// `male`, `female` or `unspecified`.
    public var sex: String
    public var postalCode: String
    public var address: String
    public var phone: String
    public var notes: String
    public var applicationIDs: [String]
    public var createdAt: Date?

    public var fullName: String { givenName.isEmpty ? familyName : "\(familyName)　\(givenName)" }
    public var fullKana: String { givenKana.isEmpty ? familyKana : "\(familyKana)　\(givenKana)" }

    public init(id: Int64 = 0, familyName: String, givenName: String = "", familyKana: String, givenKana: String = "", birthDate: String,
                sex: String = "unspecified", postalCode: String = "", address: String = "", phone: String = "", notes: String = "",
                applicationIDs: [String] = [], createdAt: Date? = nil) {
        self.id = id
        self.createdAt = createdAt
        self.familyName = familyName
        self.givenName = givenName
        self.familyKana = familyKana
        self.givenKana = givenKana
        self.birthDate = birthDate
        self.sex = sex
        self.postalCode = postalCode
        self.address = address
        self.phone = phone
        self.notes = notes
        self.applicationIDs = applicationIDs
    }

    /// JSON keys are lowerCamelCase with `Id`/`Ids`, as everywhere in the API; the older
    /// `applicationIDs` is still read, for scanning stations written against it.
    enum CodingKeys: String, CodingKey {
        case id, familyName, givenName, familyKana, givenKana, birthDate, sex, postalCode, address, phone, notes, applicationIds, createdAt
        case legacyApplicationIDs = "applicationIDs"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        for (key, value) in [(CodingKeys.familyName, familyName), (.givenName, givenName), (.familyKana, familyKana), (.givenKana, givenKana),
                             (.birthDate, birthDate), (.sex, sex), (.postalCode, postalCode), (.address, address), (.phone, phone), (.notes, notes)] {
            try c.encode(value, forKey: key)
        }
        try c.encode(applicationIDs, forKey: .applicationIds)
        try c.encodeIfPresent(createdAt, forKey: .createdAt)
    }

    /// Missing keys mean empty, so API clients send only what they have.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: key) ?? "" }
        // An id or a creation time in a request body is ignored: they are the database's.
        self.init(familyName: try text(.familyName), givenName: try text(.givenName), familyKana: try text(.familyKana),
                  givenKana: try text(.givenKana), birthDate: try text(.birthDate), sex: try c.decodeIfPresent(String.self, forKey: .sex) ?? "unspecified",
                  postalCode: try text(.postalCode), address: try text(.address), phone: try text(.phone), notes: try text(.notes),
                  applicationIDs: try c.decodeIfPresent([String].self, forKey: .applicationIds)
                      ?? c.decodeIfPresent([String].self, forKey: .legacyApplicationIDs) ?? [])
    }

    /// The cleaned input (trimmed, kana in katakana, IDs as plain digits), or every problem found.
    public func validated(today: Date) -> Result<Applicant, InvalidInput> {
        var problems: [FieldProblem] = []
        var clean = self
        func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
        clean.familyName = trimmed(familyName)
        clean.givenName = trimmed(givenName)
        clean.postalCode = trimmed(postalCode)
        clean.address = trimmed(address)
        clean.phone = trimmed(phone)
        clean.notes = trimmed(notes)
        if clean.familyName.isEmpty || clean.familyName.count > 50 {
            problems.append(.init(field: "familyName", message: "氏（姓）を50文字以内で入力してください。"))
        }
        if clean.givenName.count > 50 { problems.append(.init(field: "givenName", message: "名は50文字以内で入力してください。")) }
        if let kana = Kana.katakana(familyKana), !kana.isEmpty { clean.familyKana = kana } else {
            problems.append(.init(field: "familyKana", message: Kana.invalidMessage))
        }
        if givenKana.trimmingWhitespace.isEmpty { clean.givenKana = "" } else if let kana = Kana.katakana(givenKana) { clean.givenKana = kana } else {
            problems.append(.init(field: "givenKana", message: Kana.invalidMessage))
        }
        if let date = CalendarDate(birthDate), date.isOnOrBefore(today), date.year >= 1880 {
            clean.birthDate = date.description
        } else {
            problems.append(.init(field: "birthDate", message: "生年月日を正しい日付（YYYY-MM-DD）で入力してください。"))
        }
        if !["male", "female", "unspecified"].contains(sex) {
            problems.append(.init(field: "sex", message: "性別の値が正しくありません。"))
        }
        if !clean.postalCode.isEmpty, clean.postalCode.range(of: #"^[0-9]{3}-?[0-9]{4}$"#, options: .regularExpression) == nil {
            problems.append(.init(field: "postalCode", message: "郵便番号は7桁の数字で入力してください。"))
        }
        if clean.phone.range(of: #"^[0-9+() -]{0,20}$"#, options: .regularExpression) == nil {
            problems.append(.init(field: "phone", message: "電話番号は数字とハイフンで入力してください。"))
        }
        if clean.address.count > 200 { problems.append(.init(field: "address", message: "住所は200文字以内で入力してください。")) }
        if clean.notes.count > 2000 { problems.append(.init(field: "notes", message: "備考は2000文字以内で入力してください。")) }
        var ids: [String] = []
        for raw in applicationIDs where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            if let id = ApplicationID(raw) { ids.append(id.digits) } else {
                problems.append(.init(field: "applicationIds", message: ApplicationID.invalidMessage))
            }
        }
        clean.applicationIDs = Array(Set(ids)).sorted()
        for (field, value) in [("familyName", clean.familyName), ("givenName", clean.givenName), ("address", clean.address),
                               ("phone", clean.phone), ("notes", clean.notes)] where IndividualNumber.appears(in: value) {
            problems.append(.init(field: field, message: IndividualNumber.refusalMessage))
        }
        return problems.isEmpty ? .success(clean) : .failure(InvalidInput(problems))
    }
}
