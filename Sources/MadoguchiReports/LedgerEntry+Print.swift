import Foundation
import MadoguchiDomain

/// What the printed forms (C8) show of a card: values formatted for paper. The forms take the
/// ledger entry itself, which holds no individual number, so no form can print one.
extension LedgerEntry {
    /// A date the way the printed forms show it: 和暦.
    static func printed(_ date: CalendarDate?) -> String {
        date.map { JapaneseDate.wareki(year: $0.year, month: $0.month, day: $0.day) } ?? ""
    }

    var printedBirthDate: String { Self.printed(birthDate) }
    var printedCardExpiry: String { Self.printed(cardExpiry) }
    var printedCertificateExpiry: String { Self.printed(certificateExpiry) }

    /// The 23-digit 申請書ID split 4-4-4-4-4-3 so staff can read it aloud and
    /// compare it with the card envelope without losing their place.
    var groupedApplicationID: String {
        let digits = applicationID.filter { !$0.isWhitespace && $0 != "-" }
        // Anything that is not a plain digit string is shown untouched rather
        // than regrouped into something that looks valid but is not.
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            return applicationID
        }
        var groups: [Substring] = []
        var rest = Substring(digits)
        while !rest.isEmpty {
            groups.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }
}
