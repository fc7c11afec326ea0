import Foundation

/// A multi-condition extract (D2) over bookings or intake records: the same conditions for the
/// count preview, the streamed CSV on the staff site and `madoguchi export`.
public struct Extract: Sendable, Equatable {
    public enum Dataset: String, CaseIterable, Sendable {
        case bookings, intakes

        public var label: String { self == .bookings ? "来庁予約" : "申請受付" }
    }

    public var dataset: Dataset
    public var from: CalendarDate?
    public var through: CalendarDate?
    public var locationID: Int64?
    /// Bookings only.
    public var purpose: BookingPurpose?
    public var status: BookingStatus?
    /// A booking channel (web, phone, counter) or an intake channel (counter, outreach, …).
    public var channel: String?
    /// Age on the day of the visit or the intake, inclusive.
    public var ageMin: Int?
    public var ageMax: Int?

    public init(dataset: Dataset, from: CalendarDate? = nil, through: CalendarDate? = nil, locationID: Int64? = nil,
                purpose: BookingPurpose? = nil, status: BookingStatus? = nil, channel: String? = nil, ageMin: Int? = nil, ageMax: Int? = nil) {
        self.dataset = dataset
        self.from = from
        self.through = through
        self.locationID = locationID
        self.purpose = purpose
        self.status = status
        self.channel = channel
        self.ageMin = ageMin
        self.ageMax = ageMax
    }

    public var columns: [String] {
        switch dataset {
        case .bookings: ["予約番号", "来庁日", "時刻", "庁舎・窓口", "目的", "状態", "予約方法", "氏名", "フリガナ", "生年月日", "年齢", "電話番号",
                         "申請書ID", "登録日時"]
        case .intakes: ["申請書ID", "受付日", "受付方法", "庁舎・窓口", "氏名", "フリガナ", "生年月日", "年齢", "本人確認", "手数料収納額"]
        }
    }

    /// A short description for the audit log.
    public var summary: String {
        var parts = [dataset.rawValue]
        if let from { parts.append("from=\(from)") }
        if let through { parts.append("to=\(through)") }
        if let locationID { parts.append("location=\(locationID)") }
        if let purpose { parts.append("purpose=\(purpose.rawValue)") }
        if let status { parts.append("status=\(status.rawValue)") }
        if let channel { parts.append("channel=\(channel)") }
        if let ageMin { parts.append("age>=\(ageMin)") }
        if let ageMax { parts.append("age<=\(ageMax)") }
        return parts.joined(separator: " ")
    }
}
