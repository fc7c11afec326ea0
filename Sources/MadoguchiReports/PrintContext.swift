/// Where, when and by whom a form is printed; shown in every header so a
/// stray sheet can be traced back to the counter that produced it.
public struct PrintContext: Sendable {
    public var cityName: String
    public var officeName: String
    public var printedAt: String
    public var staffName: String

    public init(cityName: String, officeName: String, printedAt: String, staffName: String) {
        self.cityName = cityName
        self.officeName = officeName
        self.printedAt = printedAt
        self.staffName = staffName
    }
}
