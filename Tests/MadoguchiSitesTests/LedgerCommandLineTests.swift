import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiTestSupport
import Testing

@Suite("madoguchi import: the ledger files from the shell (C3, C5, E5)")
struct LedgerCommandLineTests {
    @Test("issuance list, again, bad lines, a mapped terminal export (dry run), the existing ledger and the registry, as an operator runs them")
    func imports() async throws {
        // setup
        let (storage, cluster) = try await CommandLineTests.storageWithCluster("mdg-import")
        defer { CommandLineTests.remove(storage, cluster) }
        let cli = CommandLineTests()
        let ledger = Fixtures.root.appendingPathComponent("ledger").path
        // act
        let first = try await cli.madoguchi("import issuance-list '\(ledger)/issuance-list-cp932.csv'", storage: storage)
        let again = try await cli.madoguchi("import issuance-list '\(ledger)/issuance-list-cp932.csv'", storage: storage)
        let bad = try await cli.madoguchi("import issuance-list '\(ledger)/issuance-list-bad-lines.csv'", storage: storage)
        let mapped = try await cli.madoguchi("import issuance-list '\(ledger)/issuance-list-terminal.csv' --mapping '\(ledger)/issuance-mapping.json' --dry-run",
                                       storage: storage)
        let unmapped = try await cli.madoguchi("import issuance-list '\(ledger)/issuance-list-terminal.csv'", storage: storage)
        let existing = try await cli.madoguchi("import ledger '\(ledger)/ledger-existing.csv'", storage: storage)
        let registry = try await cli.madoguchi("import registry '\(ledger)/registry-cp932.csv'", storage: storage)
        let help = try await cli.madoguchi("import issuance-list --help", storage: storage)
        // check
        #expect(first.status == 0 && first.output.contains("created 6, updated 0, unchanged 0 of 6 rows"), "\(first.output)")
        #expect(first.output.contains("checked 6 lines"))
        #expect(again.output.contains("created 0, updated 0, unchanged 6 of 6 rows") && again.output.contains("imported before"), "\(again.output)")
        #expect(bad.status == 1)
        #expect(bad.output.contains("NOT IMPORTED: 7 problem(s)") && bad.output.contains("8行目: 申請書IDが2行目と重複しています。"), "\(bad.output)")
        #expect(mapped.status == 0 && mapped.output.contains("would create 2") && mapped.output.contains("columns not read (never stored): 連番, 個人番号"),
                "\(mapped.output)")
        #expect(unmapped.status == 1 && unmapped.output.contains("必須の列「氏名」がありません"), "\(unmapped.output)")
        #expect(existing.status == 1 && existing.output.contains("保管場所「A-1-1」は登録されていません"), "\(existing.output)")
        #expect(registry.status == 0 && registry.output.contains("replaced the registry extract with 5 people"), "\(registry.output)")
        #expect(help.output.contains("--mapping") && help.output.contains("--dry-run"))
    }
}
