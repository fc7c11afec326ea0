import Foundation
import MadoguchiProcess
import MadoguchiDomain
import MadoguchiReports
import Testing

@Suite("PDF documents")
struct PDFDocumentTests {
    // Characters that break naive Shift_JIS pipelines and font fallback.
    static let card = LedgerEntry(
        id: 1, applicationID: "12345678901234567890123", name: "髙橋 﨑子", kana: "タカハシ サキコ",
        birthDate: CalendarDate(year: 1985, month: 4, day: 1), sex: .female,
        address: "東京都西東京市南町五丁目6番13号 ㈱田無ハイツ①棟 101号室～", cardKind: .renewal, visitType: .atPickup,
        visitTypeSource: "file", deliveryBatch: "令和8年11月20日納品分", stage: .inspected, stageChangedAt: Date(), storagePlace: "A-2-15",
        cardExpiry: CalendarDate(year: 2036, month: 4, day: 1), certificateExpiry: CalendarDate(year: 2031, month: 4, day: 1),
        cardAddress: "", notes: "", source: "file", version: 1, createdAt: Date(), updatedAt: Date())
    static let context = PrintContext(
        cityName: "西東京市",
        officeName: "田無庁舎 市民課",
        printedAt: "令和8年11月29日 10:15",
        staffName: "窓口 太郎"
    )

    @Test func checklistShowsCardFactsAndSteps() throws {
        // setup
        let card = Self.card
        // act
        let pdf = try HandoverChecklist.render(card: card, context: Self.context)
        let text = try PDFTools.text(of: pdf)
        // check
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
        #expect(text.contains("個人番号カード 交付チェックリスト"))
        #expect(text.contains("髙橋 﨑子"))
        #expect(text.contains("1234 5678 9012 3456 7890 123"))
        #expect(text.contains("㈱田無ハイツ①棟"))
        #expect(text.contains("101号室～"))
        for label in ["申請書ID", "フリガナ", "生年月日", "保管場所", "電子証明書有効期限", "暗証番号の設定", "委任状", "交付担当者", "確認者"] {
            #expect(text.contains(label), "missing \(label)")
        }
        #expect(text.contains("1 / 1 ページ"))
        #expect(text.firstMatch(of: /\d{12}/) == nil, "nothing may look like an individual number")
        #expect(try PDFTools.info(of: pdf)["Title"] == "個人番号カード 交付チェックリスト")
    }

    @Test func receiptIsAddressedToMayorAndHasSignatureAreas() throws {
        // setup
        let card = Self.card
        // act
        let pdf = try Receipt.render(card: card, context: Self.context)
        let text = try PDFTools.text(of: pdf)
        // check
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
        #expect(text.contains("個人番号カード 受領書"))
        #expect(text.contains("西東京市長"))
        #expect(text.contains("下記のとおり個人番号カードを受領しました。"))
        #expect(text.contains("髙橋 﨑子"))
        #expect(text.contains("1234 5678 9012 3456 7890 123"))
        #expect(text.contains("㈱田無ハイツ①棟"))
        #expect(text.firstMatch(of: /\d{12}/) == nil, "nothing may look like an individual number")
        for label in ["本人署名", "代理人氏名", "代理人住所", "本人との関係", "受付者", "確認者", "カード有効期限"] {
            #expect(text.contains(label), "missing \(label)")
        }
    }

    enum Document: String, CaseIterable, Sendable {
        case checklist, receipt, batch

        func render() throws -> Data {
            switch self {
            case .checklist: try HandoverChecklist.render(card: card, context: context)
            case .receipt: try Receipt.render(card: card, context: context)
            case .batch: try HandoverBatch.render(cards: [card], day: "令和8年12月1日", context: context)
            }
        }
    }

    @Test(arguments: Document.allCases)
    func fontsAreEmbedded(document: Document) throws {
        // setup
        let pdf = try document.render()
        // act
        let fonts = try PDFTools.fonts(of: pdf)
        // check
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
        #expect(fonts.contains { $0.name.hasSuffix("+IPAexGothic") && $0.embedded }, "no embedded IPAexGothic in \(fonts)")
        #expect(fonts.contains { $0.name.hasSuffix("+IPAexMincho") && $0.embedded }, "no embedded IPAexMincho in \(fonts)")
        // Synthesised bold comes out as cairo's own "CairoFont-n-m" subsets;
        // those must be embedded too or the viewer substitutes a system font.
        for font in fonts {
            #expect(font.embedded, "\(font.name) is not embedded")
        }
    }

    @Test func batchPagesRepeatHeaderAndFooter() throws {
        // setup
        let cards = (1...70).map { index in
            var card = Self.card
            card.applicationID = String(repeating: "0", count: 20) + String(format: "%03d", index)
            card.storagePlace = "B-\(index)"
            return card
        }
        // act
        let pdf = try HandoverBatch.render(cards: cards, day: "令和8年12月1日", context: Self.context)
        let pages = try #require(Int(PDFTools.info(of: pdf)["Pages"] ?? ""))
        // check
        #expect(pages > 1)
        var allText = ""
        for page in 1...pages {
            let text = try PDFTools.text(of: pdf, page: page)
            #expect(text.contains("交付予定一覧 兼 チェックリスト"), "page \(page) has no title")
            #expect(text.contains("申請書ID"), "page \(page) has no column header")
            #expect(text.contains("\(page) / \(pages) ページ"), "page \(page) has no footer")
            allText += text
        }
        let lastPage = try PDFTools.text(of: pdf, page: pages)
        #expect(lastPage.contains("合計 70 件"))
        for index in 1...70 {
            #expect(allText.contains("B-\(index)\n"), "row \(index) missing")
        }
    }

    @Test func emptyBatchSaysThereIsNothingToHandOver() throws {
        // setup
        let cards: [LedgerEntry] = []
        // act
        let pdf = try HandoverBatch.render(cards: cards, day: "令和8年12月1日", context: Self.context)
        let text = try PDFTools.text(of: pdf)
        // check
        #expect(text.contains("該当する交付予定はありません。"))
        #expect(text.contains("1 / 1 ページ"))
        #expect(try PDFTools.info(of: pdf)["Pages"] == "1")
    }
}

/// Thin wrappers over poppler-utils, which read the PDF the way a viewer
/// would rather than trusting our own bytes.
enum PDFTools {
    struct Font {
        var name: String
        var embedded: Bool
    }

    static func text(of pdf: Data, page: Int? = nil) throws -> String {
        let pageArguments = page.map { ["-f", "\($0)", "-l", "\($0)"] } ?? []
        return try run("/usr/bin/pdftotext", ["-enc", "UTF-8"] + pageArguments, pdf: pdf, trailing: ["-"])
    }

    static func info(of pdf: Data) throws -> [String: String] {
        let output = try run("/usr/bin/pdfinfo", [], pdf: pdf)
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// pdffonts columns: name type encoding emb sub uni object ID; the type
    /// may contain spaces, so the emb flag is counted from the right.
    static func fonts(of pdf: Data) throws -> [Font] {
        let output = try run("/usr/bin/pdffonts", [], pdf: pdf)
        return output.split(separator: "\n").dropFirst(2).compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 7 else { return nil }
            return Font(name: String(fields[0]), embedded: fields[fields.count - 5] == "yes")
        }
    }

    private static func run(_ tool: String, _ arguments: [String], pdf: Data, trailing: [String] = []) throws -> String {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("madoguchi-\(UUID().uuidString).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try ProcessRunner.run([tool] + arguments + [file.path] + trailing, errors: .discarded).output
    }
}
