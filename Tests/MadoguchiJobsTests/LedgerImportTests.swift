import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiJobs
import MadoguchiTestSupport
import PostgresNIO
import Testing

@Suite("Ledger imports: issuance list, existing ledger, registry (C3, C5, E5) against PostgreSQL")
struct LedgerImportTests {
    static let now = Date(timeIntervalSince1970: 1_795_900_000)  // 2026-11-29

    static func importFile(_ db: Database, _ path: String, kind: LedgerImportWriter.Kind = .issuanceList, layout: ImportLayout = ImportLayout(),
                           dryRun: Bool = false) async throws -> LedgerImport.Report {
        try await LedgerImport(database: db).run(try Fixtures.data("ledger/" + path), fileName: path, kind: kind, layout: layout,
                                                 dryRun: dryRun, staffUserID: nil, now: now)
    }

    static func count(_ db: Database, _ sql: String) async throws -> Int {
        let value: Int64? = try await db.client.first(PostgresQuery(unsafeSQL: sql), as: (Int64).self, logger: db.logger)
        return Int(value ?? -1)
    }

    @Test("a CP932 issuance list with IBM/NEC extension characters imports exactly; importing it again changes nothing")
    func cp932AndRepeat() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // act
            let first = try await Self.importFile(db, "issuance-list-cp932.csv")
            let again = try await Self.importFile(db, "issuance-list-cp932.csv")
            // check
            #expect(first.problems == [])
            #expect(first.encoding == "cp932")
            #expect(first.outcome?.created == 6)
            #expect(again.outcome?.created == 0 && again.outcome?.updated == 0 && again.outcome?.unchanged == 6)
            #expect(again.outcome?.previousImports.count == 1)
            #expect(try await Self.count(db, "SELECT count(*) FROM ledger_entry") == 6)
            let store = LedgerStore(database: db, storage: StorageStore(database: db))
            let takahashi = try #require(try await store.find(applicationID: "20261129000000000000101"))
            #expect(takahashi.name == "髙橋　﨑子")
            #expect(takahashi.address == "東京都西東京市南町五丁目6番13号　㈱ミドリ寮①")
            #expect(takahashi.birthDate?.description == "1985-04-01")
            #expect(takahashi.visitType == .atApplication && takahashi.visitTypeSource == "file")
            #expect(takahashi.cardExpiry?.description == "2036-04-01")
            let yamada = try #require(try await store.find(applicationID: "20261129000000000000102"))
            #expect(yamada.kana == "ヤマダ　タロウ" && yamada.sex == .male && yamada.cardKind == .renewal)
            #expect(yamada.address == "東京都西東京市田無町1～3")
            let tokunaga = try #require(try await store.find(applicationID: "20261129000000000000105"))
            #expect(tokunaga.name == "德永　ⅰ子" && tokunaga.address.contains("纊"))
            #expect(try await Self.count(db, "SELECT count(*) FROM ledger_event WHERE kind = 'created'") == 6)
        }
    }

    @Test("UTF-8 with and without BOM read the same; a later file with a changed cell updates that card only")
    func utf8AndUpdate() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let plain = try await Self.importFile(db, "issuance-list-utf8.csv")
            // act
            let bom = try await Self.importFile(db, "issuance-list-utf8-bom.csv")
            var changed = try String(contentsOf: Fixtures.root.appendingPathComponent("ledger/issuance-list-utf8.csv"), encoding: .utf8)
            changed = changed.replacingOccurrences(of: "泉町1-2-3", with: "泉町9-9-9")
            let update = try await LedgerImport(database: db).run(Data(changed.utf8), fileName: "changed.csv", kind: .issuanceList,
                                                                  dryRun: false, staffUserID: nil, now: Self.now)
            // check
            #expect(plain.encoding == "utf-8" && bom.encoding == "utf-8 (BOM)")
            #expect(plain.outcome?.created == 3 && bom.outcome?.unchanged == 3)
            #expect(update.outcome?.updated == 1 && update.outcome?.unchanged == 2)
            #expect(try await LedgerStore(database: db, storage: StorageStore(database: db)).find(applicationID: "20261129000000000000201")?.address == "東京都西東京市泉町9-9-9")
        }
    }

    @Test("bad lines in the middle: every one is named with its line and reason, and nothing is written")
    func badLines() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // act
            let report = try await Self.importFile(db, "issuance-list-bad-lines.csv")
            // check
            #expect(report.outcome == nil)
            #expect(report.problems.map(\.line) == [3, 4, 5, 6, 7, 8, 10])
            let text = report.problems.map(\.description)
            #expect(text[0].contains("23桁の数字ではありません"))
            #expect(text[1].contains("生年月日「2026-02-30」は日付として読めません"))
            #expect(text[2].contains("性別「X」"))
            #expect(text[3].contains("個人番号") && !text[3].contains("1234567890"))
            #expect(text[4].contains("列が多すぎます"))
            #expect(text[5].contains("2行目と重複"))
            #expect(text[6].contains("フリガナ") && text[6].contains("申請区分「廃止」"))
            #expect(try await Self.count(db, "SELECT count(*) FROM ledger_entry") == 0)
            #expect(try await Self.count(db, "SELECT count(*) FROM ledger_import") == 0)
        }
    }

    @Test("empty cells past the last column (Excel's trailing commas) are not data; a filled one is refused")
    func trailingEmptyCells() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let text = "申請書ID,氏名,生年月日\r\n20261129000000000000701,山田 一,1990-01-01,,\r\n20261129000000000000702,山田 二,1990-01-02,, \r\n"
            let bad = text + "20261129000000000000703,山田 三,1990-01-03,,x\r\n"
            // act
            let ok = try await LedgerImport(database: db).run(Data(text.utf8), fileName: "t.csv", kind: .issuanceList, dryRun: true,
                                                              staffUserID: nil, now: Self.now)
            let refused = try await LedgerImport(database: db).run(Data(bad.utf8), fileName: "b.csv", kind: .issuanceList, dryRun: true,
                                                                   staffUserID: nil, now: Self.now)
            // check
            #expect(ok.problems == [] && ok.outcome?.created == 2)
            #expect(refused.problems.map(\.line) == [4])
            let tabbed = text.replacingOccurrences(of: ",", with: "\t")
            let tsv = try await LedgerImport(database: db).run(Data(tabbed.utf8), fileName: "t.tsv", kind: .issuanceList,
                                                               layout: ImportLayout(separator: "tab"), dryRun: true, staffUserID: nil, now: Self.now)
            #expect(tsv.problems == [] && tsv.outcome?.created == 2)
        }
    }

    @Test("a file that is not text, and a file with an unclosed quote, are refused with the line")
    func unreadable() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let binary = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFF, 0x00, 0x81])
            let unclosed = Data("申請書ID,氏名,生年月日\n20261129000000000000101,\"山田,1990-01-01\n".utf8)
            // act
            let first = try await LedgerImport(database: db).run(binary, fileName: "x.png", kind: .issuanceList, dryRun: false, staffUserID: nil, now: Self.now)
            let second = try await LedgerImport(database: db).run(unclosed, fileName: "q.csv", kind: .issuanceList, dryRun: false, staffUserID: nil, now: Self.now)
            // check
            #expect(first.problems.first?.description.contains("文字コード") == true)
            #expect(second.problems == [ImportProblem(line: 2, reasons: ["引用符（\"）が閉じられていません"])])
            #expect(try await Self.count(db, "SELECT count(*) FROM ledger_entry") == 0)
        }
    }

    @Test("a terminal export is read through a column mapping; its individual-number column is never stored")
    func mappingAndIndividualNumbers() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let layout = try JSONDecoder().decode(ImportLayout.self, from: try Fixtures.data("ledger/issuance-mapping.json"))
            // act
            let report = try await Self.importFile(db, "issuance-list-terminal.csv", layout: layout)
            // check
            #expect(report.problems == [])
            #expect(report.outcome?.created == 2)
            #expect(report.ignoredHeaders == ["連番", "個人番号"])
            let takagi = try #require(try await LedgerStore(database: db, storage: StorageStore(database: db)).find(applicationID: "20261129000000000000401"))
            #expect(takagi.name == "髙木　一郎" && takagi.kana == "タカギ　イチロウ" && takagi.birthDate?.description == "2019-05-01")
            #expect(takagi.cardKind == .new && takagi.visitType == .atApplication)
            // No run of 12 digits anywhere in the stored rows, once the application IDs are taken out.
            let leaked = try await Self.count(db, "SELECT count(*) FROM ledger_entry e WHERE replace(e::text, e.application_id, '') ~ '[0-9]{12}'")
            #expect(leaked == 0)
        }
    }

    @Test("a dry run reports exact counts and writes nothing")
    func dryRun() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // act
            let report = try await Self.importFile(db, "issuance-list-cp932.csv", dryRun: true)
            // check
            #expect(report.dryRun && report.outcome?.created == 6)
            #expect(try await Self.count(db, "SELECT count(*) FROM ledger_entry") == 0)
            #expect(try await Self.count(db, "SELECT count(*) FROM ledger_import") == 0)
        }
    }

    @Test("the visit type follows intake when the file says nothing: identity verified at application → at-application")
    func visitTypeFromIntake() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            try await db.transaction { connection in
                guard let applicant = try await connection.first("""
                    INSERT INTO applicant (family_name, given_name, family_kana, given_kana, birth_date, sex)
                    VALUES ('加藤', 'ゆり', 'カトウ', 'ユリ', '1999-12-31', 'female') RETURNING id
                    """, as: (Int64).self, logger: db.logger) else { return }
                try await connection.execute("""
                    INSERT INTO applicant_application (application_id, applicant_id) VALUES ('20261129000000000000203', \(applicant))
                    """, logger: db.logger)
                try await connection.execute("""
                    INSERT INTO intake (application_id, applicant_id, channel, received_on, identity_verified)
                    VALUES ('20261129000000000000203', \(applicant), 'counter', '2026-10-01', true)
                    """, logger: db.logger)
            }
            // act
            _ = try await Self.importFile(db, "issuance-list-utf8.csv")
            // check
            let kato = try #require(try await LedgerStore(database: db, storage: StorageStore(database: db)).find(applicationID: "20261129000000000000203"))
            #expect(kato.visitType == .atApplication && kato.visitTypeSource == "intake")
            #expect(kato.applicantID != nil)
            let nakamura = try #require(try await LedgerStore(database: db, storage: StorageStore(database: db)).find(applicationID: "20261129000000000000201"))
            #expect(nakamura.visitTypeSource == "file")
        }
    }

    @Test("the existing ledger loads with stages and storage places; an unknown place refuses the file")
    func existingLedger() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let refused = try await Self.importFile(db, "ledger-existing.csv", kind: .ledger)
            _ = try await db.transaction { connection in
                try await StorageStore(database: db).createCabinet(code: "A", name: "金庫", locationID: nil, drawers: 2, slotsPerDrawer: 3,
                                                                    capacity: 10, on: connection)
            }
            // act
            let loaded = try await Self.importFile(db, "ledger-existing.csv", kind: .ledger)
            // check
            #expect(refused.problems.map(\.line) == [2, 3, 5])
            #expect(refused.problems[0].description.contains("保管場所「A-1-1」は登録されていません"))
            #expect(loaded.problems == [] && loaded.outcome?.created == 4)
            let store = LedgerStore(database: db, storage: StorageStore(database: db))
            let notified = try #require(try await store.find(applicationID: "20261001000000000000501"))
            #expect(notified.stage == .notified && notified.storagePlace == "A-1-1" && notified.notes == "通知書再送付")
            let handed = try #require(try await store.find(applicationID: "20261001000000000000503"))
            #expect(handed.stage == .handedOver && handed.storagePlace == nil && handed.handedOverAt != nil)
            let slots = try await StorageStore(database: db).slots()
            #expect(slots.first { $0.code == "A-1-1" }?.used == 2)
            #expect(slots.first { $0.code == "A-1-2" }?.used == 1)
        }
    }

    @Test("the registry extract replaces the previous one whole; a file with bad lines replaces nothing")
    func registry() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            let importer = RegistryImport(database: db)
            // act
            let good = try await importer.run(try Fixtures.data("ledger/registry-cp932.csv"), fileName: "registry.csv", dryRun: false,
                                              staffUserID: nil, now: Self.now)
            let bad = try await importer.run(try Fixtures.data("ledger/registry-bad-lines.csv"), fileName: "bad.csv", dryRun: false,
                                             staffUserID: nil, now: Self.now)
            // check
            #expect(good.imported == 5)
            #expect(bad.problems.map(\.line) == [4, 5])
            #expect(try await Self.count(db, "SELECT count(*) FROM registry_person") == 5)
            let registry = RegistryStore(database: db)
            let found = try await registry.search(.init(kana: "たかはし"))
            #expect(found.map(\.name) == ["髙橋　﨑子"])
            #expect(found.first?.birthDate.description == "1985-04-01")
            let yamada = try await registry.match(name: "山田　太郎", kanaKey: "ヤマダタロウ", birthDate: CalendarDate("1990-07-15"), sex: .male,
                                                  address: "東京都西東京市田無町1～3")
            #expect(yamada.person?.jukiCard == true)
            #expect(yamada.flags == ["住所が住基と異なります（住基: 東京都西東京市田無町2～4）"])
            let moved = try await registry.match(name: "佐藤 花子", kanaKey: "サトウハナコ", birthDate: CalendarDate("1990-03-04"), sex: .female, address: "")
            #expect(moved.flags == ["住基の状態: 転出"])
            let nobody = try await registry.match(name: "誰", kanaKey: "ダレ", birthDate: CalendarDate("2000-01-01"), sex: nil, address: "")
            #expect(nobody.person == nil && !nobody.flags.isEmpty)
        }
    }

    @Test("the statistics count cards entering each stage on the day it happened")
    func stageStatistics() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            _ = try await Self.importFile(db, "issuance-list-cp932.csv")
            _ = try await db.transaction { connection in
                try await StorageStore(database: db).createCabinet(code: "A", name: "", locationID: nil, drawers: 1, slotsPerDrawer: 1,
                                                                    capacity: 10, on: connection)
            }
            let store = LedgerStore(database: db, storage: StorageStore(database: db))
            for id in ["20261129000000000000101", "20261129000000000000102"] {
                let entry = try #require(try await store.find(applicationID: id))
                _ = try await db.transaction { connection in
                    try await store.move(entryID: entry.id, to: .inspected, staffUserID: nil, now: Self.now, on: connection)
                }
            }
            let day = CalendarDate(Self.now)
            // act
            let table = try await StatisticsStore(database: db).totals(.ledger, period: .day, from: day.adding(days: -1)!, through: day.adding(days: 1)!,
                                                                       locationID: nil)
            // check
            #expect(table.columns.prefix(2) == ["納品", "検品"])
            #expect(table.rows.map(\.values).reduce(into: [Int64](repeating: 0, count: 8)) { total, row in
                for (i, v) in row.enumerated() { total[i] += v }
            }.prefix(2) == [6, 2])
        }
    }

    @Test("the existing ledger imported again does not undo what staff did since; a card held from delivery can resume")
    func ledgerRepeatKeepsStaffMoves() async throws {
        try await TestDatabases.shared.withDatabase { db in
            // setup
            _ = try await db.transaction { connection in
                try await StorageStore(database: db).createCabinet(code: "A", name: "", locationID: nil, drawers: 2, slotsPerDrawer: 3,
                                                                    capacity: 10, on: connection)
            }
            _ = try await Self.importFile(db, "ledger-existing.csv", kind: .ledger)
            let store = LedgerStore(database: db, storage: StorageStore(database: db))
            let notified = try #require(try await store.find(applicationID: "20261001000000000000501"))
            _ = try await db.transaction { connection in
                try await store.move(entryID: notified.id, to: .handedOver, note: "交付", staffUserID: nil, now: Self.now, on: connection)
            }
            let held = try #require(try await store.find(applicationID: "20261001000000000000504"))
            // act
            let again = try await Self.importFile(db, "ledger-existing.csv", kind: .ledger)
            // check
            #expect(again.problems == [])
            let after = try #require(try await store.find(applicationID: "20261001000000000000501"))
            #expect(after.stage == .handedOver && after.storagePlace == nil)
            #expect(try await StorageStore(database: db).slots().first { $0.code == "A-1-1" }?.used == 1)
            #expect(held.stage == .onHold && held.allowedMoves.contains(.delivered))
        }
    }
}
