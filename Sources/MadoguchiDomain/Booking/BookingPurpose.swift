/// Why a person comes to the counter (GLOSSARY: 申請 / 交付).
public enum BookingPurpose: String, CaseIterable, Sendable, Codable {
    case application, pickup

    public var label: String {
        switch self {
        case .application: "申請"
        case .pickup: "交付（受け取り）"
        }
    }

    public var englishLabel: String {
        switch self {
        case .application: "Application"
        case .pickup: "Card pickup"
        }
    }
}

/// Where a booking stands. Only `booked` holds a seat.
public enum BookingStatus: String, CaseIterable, Sendable, Codable {
    case booked
    case checkedIn = "checked_in"
    case noShow = "no_show"
    case cancelled

    public var label: String {
        switch self {
        case .booked: "予約済"
        case .checkedIn: "来庁済"
        case .noShow: "不来庁"
        case .cancelled: "取消"
        }
    }

    public var englishLabel: String {
        switch self {
        case .booked: "Booked"
        case .checkedIn: "Checked in"
        case .noShow: "No-show"
        case .cancelled: "Cancelled"
        }
    }
}

/// How a booking was made: by the resident online, or by staff for a phone caller or a walk-in.
public enum BookingChannel: String, CaseIterable, Sendable, Codable {
    case web, phone, counter

    public var label: String {
        switch self {
        case .web: "インターネット"
        case .phone: "電話"
        case .counter: "窓口"
        }
    }
}
