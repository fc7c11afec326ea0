import Foundation


/// One card in the ledger (カード管理簿), as the pages, the API and the PDFs read it.
public struct LedgerEntry: Sendable, Equatable {
    public var id: Int64
    public var applicationID: String
    public var applicantID: Int64?
    public var name: String
    public var kana: String
    public var birthDate: CalendarDate?
    public var sex: Sex
    public var address: String
    public var cardKind: CardKind
    public var visitType: VisitType
    public var visitTypeSource: String
    public var deliveryBatch: String
    public var deliveredOn: CalendarDate?
    public var stage: LedgerStage
    public var heldFrom: LedgerStage?
    public var stageChangedAt: Date
    public var notifiedAt: Date?
    public var handedOverAt: Date?
    public var storageSlotID: Int64?
    public var storagePlace: String?
    public var cardExpiry: CalendarDate?
    public var certificateExpiry: CalendarDate?
    public var cardAddress: String
    public var cardDataSource: String?
    public var cardDataAt: Date?
    public var qrConfirmedAt: Date?
    public var notes: String
    public var source: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// The stages this card may move to now. A hold is lifted back to the stage it was taken
    /// from or an earlier one, so that a card cannot skip setup by way of a hold.
    public var allowedMoves: [LedgerStage] {
        LedgerStage.allCases.filter { target in
            guard stage.canMove(to: target) else { return false }
            if stage == .onHold, let index = LedgerStage.mainLine.firstIndex(of: target) {
                let resume = LedgerStage.mainLine.firstIndex(of: heldFrom ?? .delivered) ?? 0
                return index <= resume
            }
            return true
        }
    }

    public init(id: Int64, applicationID: String, applicantID: Int64? = nil, name: String, kana: String, birthDate: CalendarDate? = nil, sex: Sex, address: String, cardKind: CardKind, visitType: VisitType, visitTypeSource: String, deliveryBatch: String, deliveredOn: CalendarDate? = nil, stage: LedgerStage, heldFrom: LedgerStage? = nil, stageChangedAt: Date, notifiedAt: Date? = nil, handedOverAt: Date? = nil, storageSlotID: Int64? = nil, storagePlace: String? = nil, cardExpiry: CalendarDate? = nil, certificateExpiry: CalendarDate? = nil, cardAddress: String, cardDataSource: String? = nil, cardDataAt: Date? = nil, qrConfirmedAt: Date? = nil, notes: String, source: String, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.applicationID = applicationID
        self.applicantID = applicantID
        self.name = name
        self.kana = kana
        self.birthDate = birthDate
        self.sex = sex
        self.address = address
        self.cardKind = cardKind
        self.visitType = visitType
        self.visitTypeSource = visitTypeSource
        self.deliveryBatch = deliveryBatch
        self.deliveredOn = deliveredOn
        self.stage = stage
        self.heldFrom = heldFrom
        self.stageChangedAt = stageChangedAt
        self.notifiedAt = notifiedAt
        self.handedOverAt = handedOverAt
        self.storageSlotID = storageSlotID
        self.storagePlace = storagePlace
        self.cardExpiry = cardExpiry
        self.certificateExpiry = certificateExpiry
        self.cardAddress = cardAddress
        self.cardDataSource = cardDataSource
        self.cardDataAt = cardDataAt
        self.qrConfirmedAt = qrConfirmedAt
        self.notes = notes
        self.source = source
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One line of an entry's history.
public struct LedgerEvent: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var fromStage: LedgerStage?
    public var toStage: LedgerStage?
    public var storagePlace: String?
    public var note: String
    public var staffLogin: String?
    public var at: Date

    public init(id: Int64, kind: String, fromStage: LedgerStage? = nil, toStage: LedgerStage? = nil, storagePlace: String? = nil, note: String, staffLogin: String? = nil, at: Date) {
        self.id = id
        self.kind = kind
        self.fromStage = fromStage
        self.toStage = toStage
        self.storagePlace = storagePlace
        self.note = note
        self.staffLogin = staffLogin
        self.at = at
    }
}
