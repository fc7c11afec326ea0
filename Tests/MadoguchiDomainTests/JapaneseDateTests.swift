import Foundation
import MadoguchiDomain
import Testing

@Suite("Japanese dates (和暦)")
struct JapaneseDateTests {
    @Test("era boundaries", arguments: [
        (2019, 4, 30, "平成31年4月30日"), (2019, 5, 1, "令和元年5月1日"), (2026, 11, 29, "令和8年11月29日"),
        (1989, 1, 7, "昭和64年1月7日"), (1989, 1, 8, "平成元年1月8日"), (1926, 12, 25, "昭和元年12月25日"),
    ])
    func eras(year: Int, month: Int, day: Int, expected: String) {
        #expect(JapaneseDate.wareki(year: year, month: month, day: day) == expected)
    }

    @Test("times are shown in Tokyo whatever the server zone")
    func tokyo() {
        // setup: 2026-11-29 15:30 UTC is 2026-11-30 00:30 in Tokyo
        let date = Date(timeIntervalSince1970: 1795966200)
        // act / check
        #expect(JapaneseDate.dateTime(date) == "2026-11-30 00:30")
        #expect(JapaneseDate.wareki(date) == "令和8年11月30日")
    }
}
