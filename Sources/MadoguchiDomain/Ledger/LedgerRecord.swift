/// One checked line of an issuance list or of a city ledger: what the import writes.
/// Optional values are nil when the file has no such column or leaves the cell empty, and the
/// import then keeps what the ledger already holds.
public struct LedgerRecord: Sendable, Equatable, Codable {
    public var line: Int
    public var applicationID: ApplicationID
    public var name: String
    public var kana: String
    public var birthDate: CalendarDate
    public var sex: Sex
    public var address: String
    public var cardKind: CardKind?
    public var visitType: VisitType?
    public var deliveryBatch: String
    public var deliveredOn: CalendarDate?
    public var cardExpiry: CalendarDate?
    public var certificateExpiry: CalendarDate?
    public var stage: LedgerStage?
    public var storagePlace: String?
    public var handedOverOn: CalendarDate?
    public var notes: String

    public init(line: Int, applicationID: ApplicationID, name: String, kana: String = "", birthDate: CalendarDate, sex: Sex = .unspecified,
                address: String = "", cardKind: CardKind? = nil, visitType: VisitType? = nil, deliveryBatch: String = "",
                deliveredOn: CalendarDate? = nil, cardExpiry: CalendarDate? = nil, certificateExpiry: CalendarDate? = nil,
                stage: LedgerStage? = nil, storagePlace: String? = nil, handedOverOn: CalendarDate? = nil, notes: String = "") {
        self.line = line
        self.applicationID = applicationID
        self.name = name
        self.kana = kana
        self.birthDate = birthDate
        self.sex = sex
        self.address = address
        self.cardKind = cardKind
        self.visitType = visitType
        self.deliveryBatch = deliveryBatch
        self.deliveredOn = deliveredOn
        self.cardExpiry = cardExpiry
        self.certificateExpiry = certificateExpiry
        self.stage = stage
        self.storagePlace = storagePlace
        self.handedOverOn = handedOverOn
        self.notes = notes
    }

    /// Checks one line's cells; every problem of the line is reported, not only the first.
    public static func parse(line: Int, cells: [LedgerField: String], layout: ImportLayout) -> Result<LedgerRecord, ImportProblem> {
        var reasons: [String] = []
        func cell(_ field: LedgerField) -> String {
            FileValue.trim(layout.translate(cells[field] ?? "", for: field.rawValue))
        }
        func date(_ field: LedgerField) -> CalendarDate? {
            let text = cell(field)
            guard !text.isEmpty else { return nil }
            guard let date = FileDate.parse(text) else {
                reasons.append("\(field.label)「\(ImportProblem.shown(text))」は日付として読めません")
                return nil
            }
            return date
        }
        func text(_ field: LedgerField, max: Int) -> String {
            let value = FileValue.text(cell(field))
            if IndividualNumber.appears(in: value) {
                reasons.append("\(field.label)に個人番号と思われる12桁の番号があります（個人番号は取り込みません）")
                return ""
            }
            // Counted in code points, as PostgreSQL's length() does (an IVS variant is two).
            if value.unicodeScalars.count > max { reasons.append("\(field.label)が長すぎます（\(max)文字まで）") }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                reasons.append("\(field.label)に制御文字が含まれています")
            }
            return value
        }

        let idText = cell(.applicationID)
        let applicationID = ApplicationID(idText)
        if idText.isEmpty {
            reasons.append("申請書IDがありません")
        } else if applicationID == nil {
            reasons.append("申請書ID「\(ImportProblem.shown(idText))」は23桁の数字ではありません")
        }
        let name = text(.name, max: 100)
        if name.isEmpty && cells[.name] != nil && reasons.allSatisfy({ !$0.hasPrefix("氏名") }) { reasons.append("氏名がありません") }
        var kana = ""
        let kanaText = cell(.kana)
        if !kanaText.isEmpty {
            if let converted = FileValue.kana(kanaText) { kana = converted } else { reasons.append("フリガナはカタカナで記載してください") }
        }
        let birthText = cell(.birthDate)
        let birthDate = date(.birthDate)
        if birthText.isEmpty { reasons.append("生年月日がありません") }
        let sexText = cell(.sex)
        let sex = Sex(fileValue: sexText)
        if sex == nil { reasons.append("性別「\(ImportProblem.shown(sexText))」が読めません（男・女・1・2）") }
        let address = text(.address, max: 200)
        let kindText = cell(.cardKind)
        let cardKind = kindText.isEmpty ? nil : CardKind(fileValue: kindText)
        if !kindText.isEmpty && cardKind == nil { reasons.append("申請区分「\(ImportProblem.shown(kindText))」が読めません（新規・更新・再交付）") }
        let visitText = cell(.visitType)
        let visitType = visitText.isEmpty ? nil : VisitType(fileValue: visitText)
        if !visitText.isEmpty && visitType == nil { reasons.append("来庁区分「\(ImportProblem.shown(visitText))」が読めません（申請時来庁・交付時来庁）") }
        let batch = text(.deliveryBatch, max: 50)
        let deliveredOn = date(.deliveredOn)
        let cardExpiry = date(.cardExpiry)
        let certificateExpiry = date(.certificateExpiry)
        if let cardExpiry, let certificateExpiry, certificateExpiry > cardExpiry {
            reasons.append("電子証明書有効期限がカード有効期限より後です")
        }
        let stageText = cell(.stage)
        let stage = stageText.isEmpty ? nil : LedgerStage(fileValue: stageText)
        if !stageText.isEmpty && stage == nil { reasons.append("状態「\(ImportProblem.shown(stageText))」が読めません（納品・検品済・初期設定済・交付通知済・交付済・保留・返送・廃棄）") }
        let placeText = FileValue.key(cell(.storagePlace))
        var storagePlace: String?
        if !placeText.isEmpty {
            if StoragePlaceCode(placeText) == nil {
                reasons.append("保管場所「\(ImportProblem.shown(placeText))」は「棚-段-区画」（例 A-1-3）の形で記載してください")
            } else if let stage, !stage.isHeld {
                reasons.append("状態が\(stage.label)のカードに保管場所は指定できません")
            } else {
                storagePlace = StoragePlaceCode(placeText)?.description
            }
        }
        let handedOverOn = date(.handedOverOn)
        let notes = text(.notes, max: 2000)

        guard reasons.isEmpty, let applicationID, let birthDate, let sex else {
            return .failure(ImportProblem(line: line, reasons: reasons))
        }
        return .success(LedgerRecord(
            line: line, applicationID: applicationID, name: name, kana: kana, birthDate: birthDate, sex: sex, address: address,
            cardKind: cardKind, visitType: visitType, deliveryBatch: batch, deliveredOn: deliveredOn, cardExpiry: cardExpiry,
            certificateExpiry: certificateExpiry, stage: stage, storagePlace: storagePlace, handedOverOn: handedOverOn, notes: notes))
    }
}
