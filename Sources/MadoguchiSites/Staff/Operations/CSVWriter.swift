import Foundation
import MadoguchiReports

/// The audit log's CSV for Excel: UTF-8 with a BOM so Excel detects the encoding, built in memory
/// (audit searches are bounded). Quoting and formula neutralising are CSVFormat's.
struct CSVWriter {
    private(set) var text = "\u{FEFF}"

    mutating func row(_ cells: [String]) {
        text += CSVFormat.line(cells)
    }
}
