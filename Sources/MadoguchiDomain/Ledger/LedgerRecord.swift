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
        var row = LineCells(cells, layout: layout)
        let idText = row.cell(.applicationID)
        let applicationID = ApplicationID(idText)
        if idText.isEmpty {
            row.reasons.append("申請書IDがありません")
        } else if applicationID == nil {
            row.reasons.append("申請書ID「\(ImportProblem.shown(idText))」は23桁の数字ではありません")
        }
        let name = row.text(.name, max: 100)
        if name.isEmpty && cells[.name] != nil && row.reasons.allSatisfy({ !$0.hasPrefix("氏名") }) { row.reasons.append("氏名がありません") }
        let kana = row.kana(.kana)
        let birthText = row.cell(.birthDate)
        let birthDate = row.date(.birthDate)
        if birthText.isEmpty { row.reasons.append("生年月日がありません") }
        let sexText = row.cell(.sex)
        let sex = Sex(fileValue: sexText)
        if sex == nil { row.reasons.append("性別「\(ImportProblem.shown(sexText))」が読めません（男・女・1・2）") }
        let address = row.text(.address, max: 200)
        let kindText = row.cell(.cardKind)
        let cardKind = kindText.isEmpty ? nil : CardKind(fileValue: kindText)
        if !kindText.isEmpty && cardKind == nil { row.reasons.append("申請区分「\(ImportProblem.shown(kindText))」が読めません（新規・更新・再交付）") }
        let visitText = row.cell(.visitType)
        let visitType = visitText.isEmpty ? nil : VisitType(fileValue: visitText)
        if !visitText.isEmpty && visitType == nil { row.reasons.append("来庁区分「\(ImportProblem.shown(visitText))」が読めません（申請時来庁・交付時来庁）") }
        let batch = row.text(.deliveryBatch, max: 50)
        let deliveredOn = row.date(.deliveredOn)
        let cardExpiry = row.date(.cardExpiry)
        let certificateExpiry = row.date(.certificateExpiry)
        if let cardExpiry, let certificateExpiry, certificateExpiry > cardExpiry {
            row.reasons.append("電子証明書有効期限がカード有効期限より後です")
        }
        let stageText = row.cell(.stage)
        let stage = stageText.isEmpty ? nil : LedgerStage(fileValue: stageText)
        if !stageText.isEmpty && stage == nil { row.reasons.append("状態「\(ImportProblem.shown(stageText))」が読めません（納品・検品済・初期設定済・交付通知済・交付済・保留・返送・廃棄）") }
        let placeText = FileValue.key(row.cell(.storagePlace))
        var storagePlace: String?
        if !placeText.isEmpty {
            if StoragePlaceCode(placeText) == nil {
                row.reasons.append("保管場所「\(ImportProblem.shown(placeText))」は「棚-段-区画」（例 A-1-3）の形で記載してください")
            } else if let stage, !stage.isHeld {
                row.reasons.append("状態が\(stage.label)のカードに保管場所は指定できません")
            } else {
                storagePlace = StoragePlaceCode(placeText)?.description
            }
        }
        let handedOverOn = row.date(.handedOverOn)
        let notes = row.text(.notes, max: 2000)

        guard row.reasons.isEmpty, let applicationID, let birthDate, let sex else {
            return .failure(ImportProblem(line: line, reasons: row.reasons))
        }
        return .success(LedgerRecord(
            line: line, applicationID: applicationID, name: name, kana: kana, birthDate: birthDate, sex: sex, address: address,
            cardKind: cardKind, visitType: visitType, deliveryBatch: batch, deliveredOn: deliveredOn, cardExpiry: cardExpiry,
            certificateExpiry: certificateExpiry, stage: stage, storagePlace: storagePlace, handedOverOn: handedOverOn, notes: notes))
    }
}
