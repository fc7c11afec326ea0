import MadoguchiDomain
import Testing

@Suite("Japanese public holidays")
struct JapaneseHolidaysTests {
    func list(_ year: Int) -> [String] {
        JapaneseHolidays.holidays(in: year).map { "\($0.date) \($0.name)" }
    }

    // The lists below are the Cabinet Office's published calendars (内閣府「国民の祝日について」).
    @Test("2026, with the September citizens' holiday and a May substitute")
    func year2026() {
        #expect(list(2026) == [
            "2026-01-01 元日", "2026-01-12 成人の日", "2026-02-11 建国記念の日", "2026-02-23 天皇誕生日", "2026-03-20 春分の日",
            "2026-04-29 昭和の日", "2026-05-03 憲法記念日", "2026-05-04 みどりの日", "2026-05-05 こどもの日", "2026-05-06 振替休日",
            "2026-07-20 海の日", "2026-08-11 山の日", "2026-09-21 敬老の日", "2026-09-22 国民の休日", "2026-09-23 秋分の日",
            "2026-10-12 スポーツの日", "2026-11-03 文化の日", "2026-11-23 勤労感謝の日",
        ])
    }

    @Test("2019, the accession year")
    func year2019() {
        #expect(list(2019) == [
            "2019-01-01 元日", "2019-01-14 成人の日", "2019-02-11 建国記念の日", "2019-03-21 春分の日", "2019-04-29 昭和の日",
            "2019-04-30 国民の休日", "2019-05-01 天皇の即位の日", "2019-05-02 国民の休日", "2019-05-03 憲法記念日",
            "2019-05-04 みどりの日", "2019-05-05 こどもの日", "2019-05-06 振替休日", "2019-07-15 海の日", "2019-08-11 山の日",
            "2019-08-12 振替休日", "2019-09-16 敬老の日", "2019-09-23 秋分の日", "2019-10-14 体育の日",
            "2019-10-22 即位礼正殿の儀の行われる日", "2019-11-03 文化の日", "2019-11-04 振替休日", "2019-11-23 勤労感謝の日",
        ])
    }

    @Test("2020 and 2021, the Olympic moves")
    func olympics() {
        #expect(list(2020) == [
            "2020-01-01 元日", "2020-01-13 成人の日", "2020-02-11 建国記念の日", "2020-02-23 天皇誕生日", "2020-02-24 振替休日",
            "2020-03-20 春分の日", "2020-04-29 昭和の日", "2020-05-03 憲法記念日", "2020-05-04 みどりの日", "2020-05-05 こどもの日",
            "2020-05-06 振替休日", "2020-07-23 海の日", "2020-07-24 スポーツの日", "2020-08-10 山の日", "2020-09-21 敬老の日",
            "2020-09-22 秋分の日", "2020-11-03 文化の日", "2020-11-23 勤労感謝の日",
        ])
        #expect(list(2021).contains("2021-08-09 振替休日"))
        #expect(list(2021).contains("2021-07-23 スポーツの日"))
        #expect(!list(2021).contains { $0.hasPrefix("2021-10-11") })
    }

    @Test("2025 and earlier rules (2009 Silver Week, 2002 fixed Marine Day, 2005 Greenery Day on 4/29)")
    func otherYears() {
        #expect(list(2025).suffix(3) == ["2025-11-03 文化の日", "2025-11-23 勤労感謝の日", "2025-11-24 振替休日"])
        #expect(list(2025).contains("2025-02-24 振替休日"))
        #expect(list(2009).contains("2009-09-22 国民の休日"))
        #expect(list(2002).contains("2002-07-20 海の日"))
        #expect(list(2005).contains("2005-04-29 みどりの日"))
        #expect(list(2005).contains("2005-05-04 国民の休日"))
        #expect(list(2018).contains("2018-12-24 振替休日"))
    }

    @Test("every year 2000-2099 has 15 to 22 holidays and no weekday arithmetic errors")
    func range() {
        for year in JapaneseHolidays.supportedYears {
            let holidays = JapaneseHolidays.holidays(in: year)
            #expect((15...22).contains(holidays.count), "\(year): \(holidays.count)")
            #expect(holidays.allSatisfy { $0.date.year == year })
        }
        #expect(CalendarDate("2026-11-29")!.weekday == 0)
        #expect(CalendarDate("2026-12-31")!.adding(days: 1) == CalendarDate("2027-01-01"))
        #expect(CalendarDate("2024-03-01")!.adding(days: -1) == CalendarDate("2024-02-29"))
    }

    @Test("closed days add the year-end closure; a holiday in it keeps its name")
    func closedDays() {
        let days = OfficeCalendar.closedDays(in: 2026).map { "\($0.date) \($0.name)" }
        #expect(days.prefix(3) == ["2026-01-01 元日", "2026-01-02 年末年始休業", "2026-01-03 年末年始休業"])
        #expect(days.suffix(3) == ["2026-12-29 年末年始休業", "2026-12-30 年末年始休業", "2026-12-31 年末年始休業"])
        #expect(days.count == 18 + 5)
        #expect(OfficeCalendar.isClosed(CalendarDate("2026-09-22")!))
        #expect(!OfficeCalendar.isClosed(CalendarDate("2026-09-24")!))
        // 52 Saturdays and 52 Sundays; 2026-01-03 (Sat, closure) and 2026-05-03 (Sun, 憲法記念日) are counted once
        #expect(OfficeCalendar.closedDays(in: 2026, weekends: true).count == 23 + 104 - 2)
    }
}
