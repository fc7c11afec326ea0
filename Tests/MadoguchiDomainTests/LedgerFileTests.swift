import Foundation
import MadoguchiDomain
import Testing

@Suite("Ledger files: dates, values, column mapping and line checks (C3, C5, E5)")
struct LedgerFileTests {
    @Test("dates in the forms Japanese systems write them, 和暦 inside its era only")
    func fileDates() {
        // setup
        let good: [(String, String)] = [
            ("2026-11-29", "2026-11-29"), ("2026/1/2", "2026-01-02"), ("20261129", "2026-11-29"), ("２０２６－１１－２９", "2026-11-29"),
            ("令和8年11月29日", "2026-11-29"), ("R8.11.29", "2026-11-29"), ("昭和60年4月1日", "1985-04-01"), ("S60/04/01", "1985-04-01"),
            ("平成元年1月8日", "1989-01-08"), ("H2.3.4", "1990-03-04"), ("5081129", "2026-11-29"), ("3600101", "1985-01-01"),
        ]
        let bad = ["2026-02-30", "平成31年5月1日", "昭和64年1月8日", "R0.1.1", "1129", "2026-11", "明日", "", "19851301"]
        // act / check
        for (text, expected) in good { #expect(FileDate.parse(text)?.description == expected, "\(text)") }
        for text in bad { #expect(FileDate.parse(text) == nil, "\(text)") }
    }

    @Test("coded and written values: sex, card kind, visit type, stage, half-width kana")
    func values() {
        #expect(Sex(fileValue: "1") == .male && Sex(fileValue: "女性") == .female && Sex(fileValue: "") == .unspecified && Sex(fileValue: "X") == nil)
        #expect(CardKind(fileValue: "再交付") == .reissue && CardKind(fileValue: "２") == .renewal && CardKind(fileValue: "廃止") == nil)
        #expect(VisitType(fileValue: "申請時来庁") == .atApplication && VisitType(fileValue: "2") == .atPickup)
        #expect(LedgerStage(fileValue: "交付通知済") == .notified && LedgerStage(fileValue: "handed-over") == .handedOver)
        #expect(FileValue.kana("ﾔﾏﾀﾞ ﾀﾛｳ") == "ヤマダ　タロウ")
        #expect(FileValue.kana("ｶﾞｷﾞｸﾞｹﾞｺﾞ ｻﾞｼﾞｽﾞｾﾞｿﾞ ﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞ ﾊﾞﾋﾟﾌﾞﾍﾟﾎﾞ ｳﾞ ｯｬｭｮｰｦﾝ") == "ガギグゲゴ　ザジズゼゾ　ダヂヅデド　バピブペボ　ヴ　ッャュョーヲン")
        #expect(FileValue.kana("がっこう") == "ガッコウ")
        #expect(FileValue.kana("Yamada") == nil)
        #expect(FileValue.text("  髙橋   﨑子 ") == "髙橋　﨑子")
    }

    @Test("a line is checked whole: every reason is reported, and a 12-digit number is never echoed")
    func lineProblems() {
        // setup
        let cells: [LedgerField: String] = [
            .applicationID: "123", .name: "池田 四郎", .birthDate: "2026-02-30", .sex: "X",
            .address: "西東京市 123456789018", .cardKind: "廃止",
        ]
        // act
        let result = LedgerRecord.parse(line: 7, cells: cells, layout: ImportLayout())
        // check
        guard case .failure(let problem) = result else {
            Issue.record("a bad line was accepted")
            return
        }
        #expect(problem.line == 7)
        #expect(problem.reasons.count == 5)
        #expect(problem.description.hasPrefix("7行目: 申請書ID「123」は23桁の数字ではありません"))
        #expect(problem.description.contains("個人番号"))
        #expect(!problem.description.contains("123456789018"))
    }

    @Test("a good line becomes a record with hard characters kept as written")
    func goodLine() throws {
        // setup
        let cells: [LedgerField: String] = [
            .applicationID: "20261129000000000000101", .name: "髙橋　﨑子", .kana: "ﾀｶﾊｼ ｻｷｺ", .birthDate: "昭和60年4月1日", .sex: "女",
            .address: "西東京市南町 ㈱ミドリ寮①", .cardKind: "", .visitType: "申請時来庁", .deliveryBatch: "第1便",
        ]
        // act
        let record = try LedgerRecord.parse(line: 2, cells: cells, layout: ImportLayout()).get()
        // check
        #expect(record.name == "髙橋　﨑子")
        #expect(record.kana == "タカハシ　サキコ")
        #expect(record.birthDate.description == "1985-04-01")
        #expect(record.address == "西東京市南町　㈱ミドリ寮①")
        #expect(record.cardKind == nil)
        #expect(record.visitType == .atApplication)
    }

    @Test("the column map finds documented headers, follows a mapping, and names what it ignores")
    func columnMap() throws {
        // setup
        let header = ["連番", "申請書番号", "個人番号", "漢字氏名", "カナ氏名", "生年月日"]
        let layout = ImportLayout(columns: ["applicationID": .header("申請書番号"), "name": .header("漢字氏名"), "kana": .number(5)])
        // act
        let map = try ColumnMap<LedgerField>(layout: layout, headerRow: header, documentedOrder: LedgerField.issuanceListColumns)
        // check
        #expect(map.index[.applicationID] == 1 && map.index[.name] == 3 && map.index[.kana] == 4 && map.index[.birthDate] == 5)
        #expect(map.ignoredHeaders == ["連番", "個人番号"])
        #expect(map.values(of: ["1", "ID", "999", "名前"])[.birthDate] == "")
    }

    @Test("a missing required column and a mapping naming no field are refused before any line is read")
    func columnMapProblems() {
        // setup
        let layout = ImportLayout(columns: ["applicationId": .header("申請書番号"), "kana": .header("ない見出し")])
        // act
        var problems: [String] = []
        do {
            _ = try ColumnMap<LedgerField>(layout: layout, headerRow: ["番号", "氏名"], documentedOrder: LedgerField.issuanceListColumns)
        } catch {
            if case .problems(let list) = error { problems = list }
        }
        // check
        #expect(problems.contains { $0.contains("「applicationId」は項目名ではありません") })
        #expect(problems.contains { $0.contains("見出し「ない見出し」") })
        #expect(problems.contains { $0.contains("必須の列「申請書ID」") })
        #expect(problems.contains { $0.contains("必須の列「生年月日」") })
    }

    @Test("QR payloads: the default takes the leading 23 digits; a configured pattern can also take a batch")
    func qrPayloads() throws {
        // setup
        let standard = try QRPayloadFormat()
        let custom = try QRPayloadFormat(pattern: #"^MDG\|(?<batch>[^|]+)\|(?<applicationID>\d{23})$"#)
        // act / check
        #expect(standard.parse("12345678901234567890123")?.applicationID.digits == "12345678901234567890123")
        #expect(standard.parse("12345678901234567890123,1,ヤマダ\n")?.applicationID.digits == "12345678901234567890123")
        #expect(standard.parse("１２３４５６７８９０１２３４５６７８９０１２３")?.applicationID.digits == "12345678901234567890123")
        #expect(standard.parse("1234567890123456789012") == nil)
        #expect(standard.parse("https://example.jp/12345678901234567890123") == nil)
        #expect(custom.parse("MDG|第3便|12345678901234567890123") == QRPayloadFormat.Payload(applicationID: ApplicationID("12345678901234567890123")!, batch: "第3便"))
        #expect(throws: QRPayloadFormat.FormatError.self) { try QRPayloadFormat(pattern: #"^(\d{23})$"#) }
    }

    @Test("card data: dates checked against what a card can carry; addresses compared as people read them")
    func cardData() {
        // setup
        let today = CalendarDate(year: 2026, month: 11, day: 29)!
        let good = CardData(address: "西東京市南町五丁目6番13号", cardExpiry: "2036-11-29", certificateExpiry: "2031-11-29")
        let bad = CardData(address: "", cardExpiry: "2025-01-01", certificateExpiry: "2037-01-01")
        // act
        let checked = try? good.validated(today: today).get()
        let refused = bad.validated(today: today)
        // check
        #expect(checked?.cardExpiry.description == "2036-11-29")
        guard case .failure(let invalid) = refused else {
            Issue.record("bad card data accepted")
            return
        }
        #expect(Set(invalid.problems.map(\.field)) == ["address", "cardExpiry", "certificateExpiry"])
        #expect(CardData.sameAddress("西東京市南町5丁目6番13号", "西東京市南町５－６－１３"))
        #expect(!CardData.sameAddress("西東京市南町5-6-13", "西東京市南町5-6-14"))
    }

    @Test("a storage place code is cabinet-drawer-slot")
    func storagePlace() {
        #expect(StoragePlaceCode("a-1-15")?.description == "A-1-15")
        #expect(StoragePlaceCode("Ａ－１－１")?.description == "A-1-1")
        #expect(StoragePlaceCode("A-1") == nil && StoragePlaceCode("A--1") == nil && StoragePlaceCode("棚-1-1") == nil)
    }
}
