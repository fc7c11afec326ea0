import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiReports

/// The printed forms (C8) and the ledger's CSV: every one is audited, since each is a copy of
/// personal data leaving the screen.
extension LedgerDesk {
    /// 交付チェックリスト for one card.
    public func checklist(_ entry: LedgerEntry, caller: Caller) async throws -> Data {
        let data = try HandoverChecklist.render(card: entry, context: printContext(caller))
        try await audit.record(caller, "ledger.checklist.export", recordType: "ledger_entry", recordID: entry.applicationID)
        return data
    }

    /// 受領書 for one card.
    public func receipt(_ entry: LedgerEntry, caller: Caller) async throws -> Data {
        let data = try Receipt.render(card: entry, context: printContext(caller))
        try await audit.record(caller, "ledger.receipt.export", recordType: "ledger_entry", recordID: entry.applicationID)
        return data
    }

    /// The day's handovers: every pickup booking of the day (at one location, or all) that the
    /// ledger has a card for, in appointment order, as one checklist.
    public func handovers(on day: CalendarDate, locationID: Int64?, caller: Caller) async throws -> Data {
        let entries = try await ledger.handovers(on: day, locationID: locationID)
        let data = try HandoverBatch.render(cards: entries, day: JapaneseDate.wareki(year: day.year, month: day.month, day: day.day),
                                            context: printContext(caller))
        try await audit.record(caller, "ledger.handovers.export", recordType: "ledger", recordID: day.description, detail: "件数=\(entries.count)")
        return data
    }

    func printContext(_ caller: Caller) -> PrintContext {
        let now = clock.now()
        return PrintContext(cityName: configuration.cityName, officeName: configuration.officeName,
                            printedAt: "\(JapaneseDate.wareki(now)) \(JapaneseDate.dateTime(now).suffix(5))",
                            staffName: caller.identity?.displayName ?? "")
    }

    static let exportColumns = ["申請書ID", "氏名", "フリガナ", "生年月日", "性別", "住所", "申請区分", "来庁区分", "納品分", "納品日", "工程", "工程の更新",
                                "保管場所", "交付通知日時", "交付日時", "カード有効期限", "電子証明書有効期限", "券面の住所", "備考"]

    static func exportCells(_ e: LedgerEntry) -> [String] {
        [e.applicationID, e.name, e.kana, e.birthDate?.description ?? "", e.sex.label, e.address, e.cardKind.label, e.visitType.label, e.deliveryBatch,
         e.deliveredOn?.description ?? "", e.stage.label, JapaneseDate.dateTime(e.stageChangedAt), e.storagePlace ?? "",
         e.notifiedAt.map(JapaneseDate.dateTime) ?? "", e.handedOverAt.map(JapaneseDate.dateTime) ?? "", e.cardExpiry?.description ?? "",
         e.certificateExpiry?.description ?? "", e.cardAddress, e.notes]
    }

    /// Every card matching the list's conditions as CSV (UTF-8 with BOM, or CP932), read a page
    /// at a time by id: cards imported or moved during a long export cannot make rows appear twice.
    public func export(_ filter: LedgerFilter, encoding: TextEncoding, substitute: Bool, caller: Caller) async throws -> TableExport {
        let ledger = ledger
        let stamp = CalendarDate(clock.now()).description.replacingOccurrences(of: "-", with: "")
        let export = try await TableExport(filename: "ledger-\(stamp).csv", columns: Self.exportColumns) { emit in
            var page = filter
            page.limit = 5000
            page.afterID = 0
            while true {
                let entries = try await ledger.search(page)
                for entry in entries { try await emit(Self.exportCells(entry)) }
                if entries.count < page.limit { return }
                page.afterID = entries.last?.id
            }
        }.checked(encoding: encoding, substitute: substitute)
        try await audit.record(caller, "ledger.export", recordType: "ledger",
                               detail: "q=\(filter.text.isEmpty ? "-" : "(入力あり)") stage=\(filter.stage?.rawValue ?? "-") visit=\(filter.visitType?.rawValue ?? "-") "
                                   + "batch=\(filter.batch?.isEmpty == false ? "(指定)" : "-") slot=\(filter.storageSlotID.map(String.init) ?? "-") "
                                   + "unconfirmed=\(filter.unconfirmedOnly) encoding=\(encoding.rawValue)")
        return export
    }
}
