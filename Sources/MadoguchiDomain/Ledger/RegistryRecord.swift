/// One person of the resident-registry extract (C5): the basic four facts and a few flags, as
/// an import line checked it (`line`) or as the lookup reads it back (`id`).
public struct RegistryRecord: Sendable, Equatable, Codable {
    /// The stored row's id; nil for a line not yet imported.
    public var id: Int64?
    /// The file line it came from; 0 when read from the database.
    public var line: Int
    public var residentKey: String
    public var name: String
    public var kana: String
    public var birthDate: CalendarDate
    public var sex: Sex
    public var address: String
    public var jukiCard: Bool
    public var status: RegistryStatus

    public init(id: Int64? = nil, line: Int = 0, residentKey: String = "", name: String, kana: String = "", birthDate: CalendarDate, sex: Sex,
                address: String = "", jukiCard: Bool = false, status: RegistryStatus = .resident) {
        self.id = id
        self.line = line
        self.residentKey = residentKey
        self.name = name
        self.kana = kana
        self.birthDate = birthDate
        self.sex = sex
        self.address = address
        self.jukiCard = jukiCard
        self.status = status
    }

    public static func parse(line: Int, cells: [RegistryField: String], layout: ImportLayout) -> Result<RegistryRecord, ImportProblem> {
        var row = LineCells(cells, layout: layout)
        let key = FileValue.key(row.cell(.residentKey))
        if key.count > 20 || IndividualNumber.appears(in: key) { row.reasons.append("宛名番号「\(ImportProblem.shown(key))」は20文字までの番号です（個人番号は使えません）") }
        let name = row.text(.name, max: 100)
        if name.isEmpty && !row.reasons.contains(where: { $0.hasPrefix("氏名") }) { row.reasons.append("氏名がありません") }
        let kana = row.kana(.kana)
        let birthText = row.cell(.birthDate)
        let birthDate = FileDate.parse(birthText)
        if birthDate == nil { row.reasons.append(birthText.isEmpty ? "生年月日がありません" : "生年月日「\(ImportProblem.shown(birthText))」は日付として読めません") }
        let sexText = row.cell(.sex)
        let sex = Sex(fileValue: sexText)
        if sex == nil { row.reasons.append("性別「\(ImportProblem.shown(sexText))」が読めません（男・女・1・2）") }
        let address = row.text(.address, max: 200)
        let jukiText = FileValue.key(row.cell(.jukiCard))
        let juki: Bool? = switch jukiText.lowercased() {
        case "", "0", "無", "なし", "無し", "false", "no": false
        case "1", "有", "あり", "有り", "true", "yes", "○": true
        default: nil
        }
        if juki == nil { row.reasons.append("住基カード「\(ImportProblem.shown(jukiText))」が読めません（有・無・1・0）") }
        let statusText = row.cell(.status)
        let status = statusText.isEmpty ? RegistryStatus.resident : RegistryStatus(fileValue: statusText)
        if status == nil { row.reasons.append("異動状態「\(ImportProblem.shown(statusText))」が読めません（住民・転出・死亡）") }
        guard row.reasons.isEmpty, let birthDate, let sex, let juki, let status else {
            return .failure(ImportProblem(line: line, reasons: row.reasons))
        }
        return .success(RegistryRecord(line: line, residentKey: key, name: name, kana: kana, birthDate: birthDate, sex: sex,
                                       address: address, jukiCard: juki, status: status))
    }
}

/// Where the person stands in the registry.
public enum RegistryStatus: String, CaseIterable, Sendable, Codable {
    case resident
    case movedOut = "moved-out"
    case deceased
    case other

    public var label: String {
        switch self {
        case .resident: "住民"
        case .movedOut: "転出"
        case .deceased: "死亡"
        case .other: "その他（消除等）"
        }
    }

    public init?(fileValue: String) {
        switch FileValue.key(fileValue) {
        case "resident", "住民", "在住", "現存", "0", "00": self = .resident
        case "moved-out", "転出", "転出済", "転出者", "1", "01": self = .movedOut
        case "deceased", "死亡", "死亡者", "2", "02": self = .deceased
        case "other", "その他", "消除", "職権消除", "9", "99": self = .other
        default: return nil
        }
    }
}
