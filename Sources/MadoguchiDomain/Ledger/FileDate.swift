import Foundation

/// Dates in imported files, in the forms Japanese systems write them: 2026-11-29, 2026/11/29,
/// 20261129, 令和8年11月29日, R8.11.29, S60/4/1, 平成元年1月8日, and the seven-digit era-coded form
/// (5081129 = 令和8年11月29日) used by registry systems. A 和暦 date must lie inside its era.
public enum FileDate {
    struct Era {
        let names: [String]
        let code: Int
        let start: (year: Int, month: Int, day: Int)
    }

    static let eras: [Era] = [
        Era(names: ["明治", "明", "M"], code: 1, start: (1868, 1, 25)),
        Era(names: ["大正", "大", "T"], code: 2, start: (1912, 7, 30)),
        Era(names: ["昭和", "昭", "S"], code: 3, start: (1926, 12, 25)),
        Era(names: ["平成", "平", "H"], code: 4, start: (1989, 1, 8)),
        Era(names: ["令和", "令", "R"], code: 5, start: (2019, 5, 1)),
    ]

    public static func parse(_ raw: String) -> CalendarDate? {
        var text = FileValue.key(raw).uppercased()
        guard !text.isEmpty else { return nil }
        var era: Era?
        for candidate in eras {
            if let name = candidate.names.first(where: { text.hasPrefix($0.uppercased()) }) {
                era = candidate
                text.removeFirst(name.count)
                break
            }
        }
        text = text.replacingOccurrences(of: "元", with: "1")
        let numbers = text.split(whereSeparator: { !$0.isNumber }).map(String.init)
        if let era {
            guard numbers.count == 3, let y = Int(numbers[0]), let m = Int(numbers[1]), let d = Int(numbers[2]) else { return nil }
            return date(era: era, year: y, month: m, day: d)
        }
        if numbers.count == 1, let token = numbers.first {
            let digits = token.compactMap(\.wholeNumberValue)
            guard digits.count == token.count else { return nil }
            if digits.count == 8 {
                return checked(CalendarDate(year: int(digits[0..<4]), month: int(digits[4..<6]), day: int(digits[6..<8])))
            }
            if digits.count == 7, let era = eras.first(where: { $0.code == digits[0] }) {
                return date(era: era, year: int(digits[1..<3]), month: int(digits[3..<5]), day: int(digits[5..<7]))
            }
            return nil
        }
        guard numbers.count == 3, numbers[0].count == 4, let y = Int(numbers[0]), let m = Int(numbers[1]), let d = Int(numbers[2]) else { return nil }
        return checked(CalendarDate(year: y, month: m, day: d))
    }

    static func date(era: Era, year: Int, month: Int, day: Int) -> CalendarDate? {
        guard year >= 1, let date = CalendarDate(year: era.start.year + year - 1, month: month, day: day),
              let start = CalendarDate(year: era.start.year, month: era.start.month, day: era.start.day), date >= start else { return nil }
        if let next = eras.first(where: { $0.code == era.code + 1 }),
           let end = CalendarDate(year: next.start.year, month: next.start.month, day: next.start.day), date >= end { return nil }
        return date
    }

    static func checked(_ date: CalendarDate?) -> CalendarDate? {
        guard let date, (1800...2999).contains(date.year) else { return nil }
        return date
    }

    static func int(_ digits: ArraySlice<Int>) -> Int { digits.reduce(0) { $0 * 10 + $1 } }
}
