import Foundation
import MadoguchiDomain
import MadoguchiImaging

/// The business settings the desks apply, whichever entry point calls them. Defaults are the
/// documented ones; `fromEnvironment` reads the `MADOGUCHI_*` variables listed in the README.
/// (HTTP-only settings — ports, TLS, proxies, staff hours — are the sites' `SiteConfiguration`.)
public struct ServiceConfiguration: Sendable {
    public var maxFailedLogins = 5
    /// Failed logins from one address in 15 minutes before that address must wait.
    public var maxFailedLoginsPerAddress = 50
    /// Minutes after which a locked account unlocks itself; nil means only an administrator unlocks.
    public var autoUnlockMinutes: Int?
    public var sessionIdleMinutes = 30
    public var sessionAbsoluteHours = 12
    public var bcryptCost: UInt8 = 12
    public var minimumPasswordLength = 12
    /// Largest document upload (B4), checked while streaming.
    public var maxUploadBytes: Int64 = 50 << 20
    /// Pixels one scanned page may have, checked before decoding (decompression bombs).
    public var maxPixelsPerPage: UInt64 = 100_000_000
    /// Pixels of all pages of one file together (#13), and the processor time one file may use.
    public var maxPixelsPerFile: UInt64 = 300_000_000
    public var decodeCPUSecondsPerFile: Double = 60
    /// Processor seconds and memory of one PDF page render in its worker process.
    public var pdfPageCPUSeconds = 20
    public var pdfPageMemoryMegabytes = 2048
    /// Decoding slots, queue length and the longest wait for a slot before a 503.
    public var decodeWorkers = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    public var decodeQueue = 8
    public var decodeMaxWaitSeconds = 30
    /// Open bookings one person may hold on the public site (one per purpose by default).
    public var maxOpenBookingsPerPerson = 2
    /// Open bookings one phone number or email address may hold (a family shares one phone).
    public var maxOpenBookingsPerContact = 4
    /// Public-site booking attempts (any outcome) per address per hour and per phone/email per
    /// day: brakes on automated traffic, generous because mobile carriers put many residents
    /// behind one address (CGNAT) and a refused attempt takes nothing.
    public var bookingAttemptsPerAddressPerHour = 3000
    public var bookingAttemptsPerContactPerDay = 50
    /// Bookings actually made per address per hour: the limit on hoarding seats. With the
    /// open-booking caps per person and per contact, this is the tight one.
    public var bookingsMadePerAddressPerHour = 50
    /// Lookups (code + date of birth) per address per hour: the brake on guessing codes.
    public var bookingLookupsPerAddressPerHour = 120
    /// The data folder (free disk on the status page) and the snapshot folder.
    public var storageDirectory: URL?
    public var snapshotDirectory: URL?
    /// Nightly snapshot time, minutes after midnight Tokyo; nil switches the scheduler off.
    public var snapshotMinuteOfDay: Int? = 120
    public var snapshotKeepDaily = 7
    public var snapshotKeepWeekly = 4
    public var snapshotKeepMonthly = 12
    /// A second place the nightly snapshot copies new blobs to (`--with-blobs`).
    public var snapshotBlobCopy: URL?
    /// What the issuance list's QR codes carry (C2): a regular expression with a named group
    /// `applicationID` (and optionally `batch`). The default is documented in the README.
    public var qrPattern = QRPayloadFormat.defaultPattern
    /// A card notified this many days ago and not collected is overdue (C6 board).
    public var ledgerOverdueDays = 90
    /// A delivered card not inspected after this many days is listed on the board.
    public var ledgerUninspectedDays = 7
    /// The city's column mapping for the issuance-list upload page (C3), a JSON file.
    public var issuanceListLayout = ImportLayout()
    /// Printed on the checklists and receipts (C8).
    public var cityName = "西東京市"
    public var officeName = "市民課"
    /// Handing a card over needs a read of it at the counter that matches the entry (#15).
    /// `MADOGUCHI_HANDOVER_CARD_CHECK=off` for an office without readers (then bulk and API
    /// handovers work as before).
    public var handoverCardCheck = true

    // MARK: mail (#16)

    /// The relay, `smtp://user:pass@host:587` or `smtps://…:465`; nil: nothing is sent.
    public var smtpURL: String?
    /// PEM file of the CA that signed the relay's certificate (else the system trust store).
    public var smtpCAFile: String?
    public var mailFrom = "no-reply@madoguchi.invalid"
    public var mailReplyTo: String?
    /// The closing block of every mail (phone, hours), `\n` for line breaks.
    public var mailSignature = ""
    /// The resident site as residents reach it, for the change/cancel link in mails.
    public var residentSiteURL = ""
    /// When the reminder before a visit goes out (`ReminderPolicy`): `day-before`, `day-before@HH`, `<N>h`, `off`.
    public var mailReminder = "day-before"

    // MARK: security (#13)

    /// Where this host keeps copies of the audit head (`head`, `anchors.log`); default
    /// `<storage>/audit`.
    public var auditAnchorDirectory: URL?
    /// How often a line goes to `anchors.log` (the head file follows every change).
    public var auditAnchorMinutes = 10
    /// Roles whose members must use a second factor; administrators always must. nil: every role.
    public var mfaRequiredRoles: Set<String>?
    /// Days a new API token lives unless its creator says otherwise.
    public var apiTokenDefaultDays = 90
    /// Wrong dates of birth for one booking code before it locks, and for how long.
    public var lookupFailuresBeforeLock = 5
    public var lookupLockMinutes = 30

    public init() {}

    /// The imaging limits of #13 for every decode the desks run.
    public var imagingLimits: ImagingLimits {
        var worker = PDFPageWorker.locate()
        worker?.cpuSecondsPerPage = pdfPageCPUSeconds
        worker?.memoryMegabytes = pdfPageMemoryMegabytes
        return ImagingLimits(maxPixelsPerPage: maxPixelsPerPage, maxPixelsPerFile: maxPixelsPerFile,
                             cpuSecondsPerFile: decodeCPUSecondsPerFile, pdfWorker: worker)
    }

    /// The anchor folder actually used (nil when there is no storage folder either).
    public var anchorFolder: URL? { auditAnchorDirectory ?? storageDirectory?.appendingPathComponent("audit") }

    /// Whether a member of these roles must pass a second factor at sign-in.
    public func requiresMFA(roles: [String]) -> Bool {
        if roles.contains("administrator") { return true }
        guard let named = mfaRequiredRoles else { return !roles.isEmpty }
        return roles.contains(where: named.contains)
    }

    public var sessionIdleTimeout: TimeInterval { TimeInterval(sessionIdleMinutes * 60) }
    public var sessionAbsoluteTimeout: TimeInterval { TimeInterval(sessionAbsoluteHours * 3600) }

    /// Applies `MADOGUCHI_*` environment variables on top of the defaults.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ServiceConfiguration {
        var c = ServiceConfiguration()
        func int(_ key: String) -> Int? { environment[key].flatMap { Int($0) } }
        if let v = int("MADOGUCHI_MAX_FAILED_LOGINS"), v > 0 { c.maxFailedLogins = v }
        if let v = int("MADOGUCHI_AUTO_UNLOCK_MINUTES"), v > 0 { c.autoUnlockMinutes = v }
        if let v = int("MADOGUCHI_MAX_FAILED_LOGINS_PER_ADDRESS"), v > 0 { c.maxFailedLoginsPerAddress = v }
        if let v = int("MADOGUCHI_SESSION_IDLE_MINUTES"), v > 0 { c.sessionIdleMinutes = v }
        if let v = int("MADOGUCHI_SESSION_ABSOLUTE_HOURS"), v > 0 { c.sessionAbsoluteHours = v }
        if let v = int("MADOGUCHI_BCRYPT_COST"), v >= 12, v <= 16 { c.bcryptCost = UInt8(v) }
        if let v = int("MADOGUCHI_MIN_PASSWORD_LENGTH"), v >= 8 { c.minimumPasswordLength = v }
        if let v = int("MADOGUCHI_MAX_UPLOAD_MB"), v > 0 { c.maxUploadBytes = Int64(v) << 20 }
        if let v = int("MADOGUCHI_MAX_MEGAPIXELS"), v > 0 { c.maxPixelsPerPage = UInt64(v) * 1_000_000 }
        if let v = int("MADOGUCHI_MAX_MEGAPIXELS_PER_FILE"), v > 0 { c.maxPixelsPerFile = UInt64(v) * 1_000_000 }
        if let v = int("MADOGUCHI_DECODE_CPU_SECONDS"), v > 0 { c.decodeCPUSecondsPerFile = Double(v) }
        if let v = int("MADOGUCHI_PDF_PAGE_CPU_SECONDS"), v > 0 { c.pdfPageCPUSeconds = v }
        if let v = int("MADOGUCHI_PDF_PAGE_MEMORY_MB"), v >= 256 { c.pdfPageMemoryMegabytes = v }
        if let v = int("MADOGUCHI_DECODE_WORKERS"), v > 0 { c.decodeWorkers = v }
        if let v = int("MADOGUCHI_DECODE_QUEUE"), v >= 0 { c.decodeQueue = v }
        if let v = int("MADOGUCHI_DECODE_WAIT_SECONDS"), v > 0 { c.decodeMaxWaitSeconds = v }
        if let v = int("MADOGUCHI_MAX_OPEN_BOOKINGS_PER_PERSON"), v > 0 { c.maxOpenBookingsPerPerson = v }
        if let v = int("MADOGUCHI_MAX_OPEN_BOOKINGS_PER_CONTACT"), v > 0 { c.maxOpenBookingsPerContact = v }
        if let v = int("MADOGUCHI_BOOKING_ATTEMPTS_PER_ADDRESS_HOUR"), v > 0 { c.bookingAttemptsPerAddressPerHour = v }
        if let v = int("MADOGUCHI_BOOKING_ATTEMPTS_PER_CONTACT_DAY"), v > 0 { c.bookingAttemptsPerContactPerDay = v }
        if let v = int("MADOGUCHI_BOOKING_LOOKUPS_PER_ADDRESS_HOUR"), v > 0 { c.bookingLookupsPerAddressPerHour = v }
        if let v = int("MADOGUCHI_BOOKINGS_MADE_PER_ADDRESS_HOUR"), v > 0 { c.bookingsMadePerAddressPerHour = v }
        if environment["MADOGUCHI_HANDOVER_CARD_CHECK"] == "off" { c.handoverCardCheck = false }
        if let v = environment["MADOGUCHI_SMTP_URL"], !v.isEmpty { c.smtpURL = v }
        if let v = environment["MADOGUCHI_SMTP_CA_FILE"], !v.isEmpty { c.smtpCAFile = v }
        if let v = environment["MADOGUCHI_MAIL_FROM"], !v.isEmpty { c.mailFrom = v }
        if let v = environment["MADOGUCHI_MAIL_REPLY_TO"], !v.isEmpty { c.mailReplyTo = v }
        if let v = environment["MADOGUCHI_MAIL_SIGNATURE"] { c.mailSignature = v.replacingOccurrences(of: "\\n", with: "\n") }
        if let v = environment["MADOGUCHI_RESIDENT_URL"] { c.residentSiteURL = v }
        if let v = environment["MADOGUCHI_MAIL_REMINDER"] { c.mailReminder = v }
        if let v = environment["MADOGUCHI_SNAPSHOT_TIME"] {
            if v == "off" { c.snapshotMinuteOfDay = nil } else if let minute = SlotRule.minute(v), minute < 24 * 60 { c.snapshotMinuteOfDay = minute }
        }
        if let v = environment["MADOGUCHI_SNAPSHOT_DIR"], !v.isEmpty { c.snapshotDirectory = URL(fileURLWithPath: v).standardizedFileURL }
        if let v = environment["MADOGUCHI_SNAPSHOT_WITH_BLOBS"], !v.isEmpty { c.snapshotBlobCopy = URL(fileURLWithPath: v).standardizedFileURL }
        if let v = environment["MADOGUCHI_SNAPSHOT_KEEP"] {
            let parts = v.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if parts.count == 3, parts.allSatisfy({ $0 >= 0 }) {
                (c.snapshotKeepDaily, c.snapshotKeepWeekly, c.snapshotKeepMonthly) = (parts[0], parts[1], parts[2])
            }
        }
        if let v = environment["MADOGUCHI_QR_PATTERN"], !v.isEmpty { c.qrPattern = v }
        if let v = int("MADOGUCHI_LEDGER_OVERDUE_DAYS"), v > 0 { c.ledgerOverdueDays = v }
        if let v = int("MADOGUCHI_LEDGER_UNINSPECTED_DAYS"), v > 0 { c.ledgerUninspectedDays = v }
        if let v = environment["MADOGUCHI_ISSUANCE_MAPPING"], !v.isEmpty, let data = FileManager.default.contents(atPath: v),
           let layout = try? JSONDecoder().decode(ImportLayout.self, from: data) {
            c.issuanceListLayout = layout
        }
        if let v = environment["MADOGUCHI_AUDIT_ANCHOR_DIR"], !v.isEmpty { c.auditAnchorDirectory = URL(fileURLWithPath: v).standardizedFileURL }
        if let v = int("MADOGUCHI_AUDIT_ANCHOR_MINUTES"), v > 0 { c.auditAnchorMinutes = v }
        if let v = environment["MADOGUCHI_MFA_ROLES"], !v.isEmpty {
            // "all" (the default), "none" (administrators only), or a comma-separated role list.
            c.mfaRequiredRoles = v == "all" ? nil : v == "none" ? [] : Set(v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        if let v = int("MADOGUCHI_API_TOKEN_DAYS"), v > 0 { c.apiTokenDefaultDays = v }
        if let v = int("MADOGUCHI_LOOKUP_FAILURES"), v > 0 { c.lookupFailuresBeforeLock = v }
        if let v = int("MADOGUCHI_LOOKUP_LOCK_MINUTES"), v > 0 { c.lookupLockMinutes = v }
        if let v = environment["MADOGUCHI_CITY_NAME"], !v.isEmpty { c.cityName = v }
        if let v = environment["MADOGUCHI_OFFICE_NAME"], !v.isEmpty { c.officeName = v }
        return c
    }
}
