import ArgumentParser
import MadoguchiDomain

/// `madoguchi calendar --year YYYY`: the closed days the booking calendar starts from.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Print every closed day of a year (public holidays and the 12/29-1/3 closure) as `YYYY-MM-DD name`.")

    @Option(help: "The year, 2000-2099.") var year: Int
    @Flag(help: "Also list Saturdays and Sundays.") var weekends = false

    func validate() throws {
        guard JapaneseHolidays.supportedYears.contains(year) else { throw ValidationError("--year must be 2000-2099") }
    }

    func run() {
        for day in OfficeCalendar.closedDays(in: year, weekends: weekends) {
            print("\(day.date) \(day.name)")
        }
    }
}
