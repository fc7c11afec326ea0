import Foundation

/// The language a resident uses the booking site in; messages and the confirmation follow it.
public enum BookingLanguage: String, Sendable, Codable, CaseIterable {
    case ja, en
}

/// What a resident (or a clerk on the phone) enters for a booking. The individual number is
/// never asked for, and every free-text field is checked for one (GLOSSARY privacy rule).
public struct BookingInput: Sendable, Codable, Equatable {
    public var familyName: String
    public var givenName: String
    public var familyKana: String
    public var givenKana: String
    /// `YYYY-MM-DD`.
    public var birthDate: String
    public var phone: String
    public var email: String
    /// 23 digits; for a pickup either this or the pickup notice number is needed.
    public var applicationID: String
    /// The number printed on the pickup notice (交付通知書).
    public var noticeNumber: String
    /// Staff only.
    public var notes: String

    public init(familyName: String, givenName: String = "", familyKana: String, givenKana: String = "", birthDate: String,
                phone: String, email: String = "", applicationID: String = "", noticeNumber: String = "", notes: String = "") {
        self.familyName = familyName
        self.givenName = givenName
        self.familyKana = familyKana
        self.givenKana = givenKana
        self.birthDate = birthDate
        self.phone = phone
        self.email = email
        self.applicationID = applicationID
        self.noticeNumber = noticeNumber
        self.notes = notes
    }

    /// JSON keys are lowerCamelCase with `Id` (`applicationId`), as in every body and answer of
    /// the API; the older `applicationID` is still read, for clients written against it.
    enum CodingKeys: String, CodingKey {
        case familyName, givenName, familyKana, givenKana, birthDate, phone, email, applicationId, noticeNumber, notes
        case legacyApplicationID = "applicationID"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: key) ?? "" }
        let applicationID = try c.decodeIfPresent(String.self, forKey: .applicationId) ?? text(.legacyApplicationID)
        self.init(familyName: try text(.familyName), givenName: try text(.givenName), familyKana: try text(.familyKana),
                  givenKana: try text(.givenKana), birthDate: try text(.birthDate), phone: try text(.phone), email: try text(.email),
                  applicationID: applicationID, noticeNumber: try text(.noticeNumber), notes: try text(.notes))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(familyName, forKey: .familyName)
        try c.encode(givenName, forKey: .givenName)
        try c.encode(familyKana, forKey: .familyKana)
        try c.encode(givenKana, forKey: .givenKana)
        try c.encode(birthDate, forKey: .birthDate)
        try c.encode(phone, forKey: .phone)
        try c.encode(email, forKey: .email)
        try c.encode(applicationID, forKey: .applicationId)
        try c.encode(noticeNumber, forKey: .noticeNumber)
        try c.encode(notes, forKey: .notes)
    }

    public var kanaKey: String { (familyKana + givenKana).replacingOccurrences(of: "\u{3000}", with: "") }
    public var fullName: String { givenName.isEmpty ? familyName : familyName + "\u{3000}" + givenName }
    public var fullKana: String { givenKana.isEmpty ? familyKana : familyKana + "\u{3000}" + givenKana }

    /// The cleaned input (trimmed, kana in katakana, phone as digits, IDs as digits), or every
    /// problem found, each tied to its field, in `language`.
    public func validated(purpose: BookingPurpose, today: Date, language: BookingLanguage = .ja) -> Result<BookingInput, InvalidInput> {
        let en = language == .en
        var problems: [FieldProblem] = []
        func problem(_ field: String, _ ja: String, _ english: String) { problems.append(.init(field: field, message: en ? english : ja)) }
        func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines.union(.init(charactersIn: "\u{3000}"))) }
        var clean = self
        clean.familyName = trimmed(familyName)
        clean.givenName = trimmed(givenName)
        clean.email = trimmed(email)
        clean.notes = trimmed(notes)
        if clean.familyName.isEmpty || clean.familyName.count > 50 {
            problem("familyName", "氏名（姓）を50文字以内で入力してください。", "Enter your family name (up to 50 characters).")
        }
        if clean.givenName.count > 50 { problem("givenName", "氏名（名）は50文字以内で入力してください。", "Given name: up to 50 characters.") }
        if let kana = Kana.katakana(familyKana), !kana.isEmpty, kana.count <= 50 { clean.familyKana = kana } else {
            problem("familyKana", Kana.invalidMessage, "Enter the reading of your family name in katakana (or hiragana).")
        }
        if givenKana.trimmingWhitespace.isEmpty { clean.givenKana = "" } else if let kana = Kana.katakana(givenKana), kana.count <= 50 {
            clean.givenKana = kana
        } else {
            problem("givenKana", Kana.invalidMessage, "Enter the reading of your given name in katakana (or hiragana).")
        }
        if let date = CalendarDate(Self.halfWidth(birthDate)), date.isOnOrBefore(today), date.year >= 1900 {
            clean.birthDate = date.description
        } else {
            problem("birthDate", "生年月日を正しい日付で入力してください（例: 1980-04-01）。", "Enter a real date of birth (e.g. 1980-04-01).")
        }
        if let phone = Self.phoneDigits(phone) { clean.phone = phone } else {
            problem("phone", "電話番号を市外局番から数字で入力してください（例: 042-000-0000）。",
                    "Enter a Japanese phone number with area code (e.g. 042-000-0000).")
        }
        if !clean.email.isEmpty,
           !EmailAddress.isValid(clean.email) {
            problem("email", "メールアドレスの形式が正しくありません。", "The email address is not valid.")
        }
        if applicationID.trimmingCharacters(in: .whitespaces).isEmpty { clean.applicationID = "" } else if let id = ApplicationID(applicationID) {
            clean.applicationID = id.digits
        } else {
            problem("applicationId", ApplicationID.invalidMessage, "The application ID has 23 digits.")
        }
        clean.noticeNumber = Self.halfWidth(noticeNumber).uppercased().filter { !$0.isWhitespace }
        if !clean.noticeNumber.isEmpty, clean.noticeNumber.range(of: #"^[0-9A-Z-]{1,20}$"#, options: .regularExpression) == nil {
            problem("noticeNumber", "交付通知書の番号は英数字20文字以内で入力してください。", "The notice number has up to 20 letters and digits.")
        }
        if purpose == .pickup, clean.applicationID.isEmpty, clean.noticeNumber.isEmpty, !problems.contains(where: { $0.field == "applicationId" }) {
            problem("applicationId", "受け取りの予約には、申請書IDか交付通知書の番号が必要です。",
                    "For a card pickup, enter the application ID or the number on your pickup notice.")
        }
        if clean.notes.count > 1000 { problem("notes", "備考は1000文字以内で入力してください。", "Notes: up to 1000 characters.") }
        for (field, value) in [("familyName", clean.familyName), ("givenName", clean.givenName), ("email", clean.email),
                               ("noticeNumber", clean.noticeNumber), ("notes", clean.notes)] where IndividualNumber.appears(in: value) {
            problem(field, IndividualNumber.refusalMessage,
                    "This looks like an individual number (My Number). Never enter your individual number here.")
        }
        return problems.isEmpty ? .success(clean) : .failure(InvalidInput(problems))
    }

    /// Japanese numbers as they are typed: 10 or 11 digits starting with 0, hyphens, spaces and
    /// brackets dropped, full-width digits folded; `+81` turned into the leading 0.
    public static func phoneDigits(_ text: String) -> String? {
        var digits = halfWidth(text).filter { !" -()‐－ー".contains($0) }
        if digits.hasPrefix("+81") { digits = "0" + digits.dropFirst(3) }
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), digits.hasPrefix("0"), (10...11).contains(digits.count)
        else { return nil }
        return digits
    }

    static func halfWidth(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (0xFF01...0xFF5E).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0xFEE0)! : scalar
        }))
    }
}
