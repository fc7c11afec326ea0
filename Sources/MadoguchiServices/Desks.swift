import CoreMetrics
import Foundation
import Logging
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging
import MadoguchiMail

/// Every desk of the use-case layer, built once per process from the configuration, the
/// database, the blob store and a clock. The sites, the command line and the background workers
/// get their desks from here; nothing else constructs a store.
public struct Desks: Sendable {
    public let configuration: ServiceConfiguration
    public let booking: BookingDesk
    public let slots: SlotDesk
    public let ledger: LedgerDesk
    public let archive: ArchiveDesk
    public let intake: IntakeDesk
    public let accounts: AccountDesk
    public let statistics: StatisticsDesk
    public let operations: OperationsDesk
    public let audit: AuditDesk
    public let cardReader: CardReaderDesk
    public let mail: MailDesk
    public let cardStatus: CardStatusDesk
    public let contacts: ContactDesk
    public let mailTemplates: MailTemplateDesk
    public let outreach: OutreachDesk
    public let firstStart: FirstStart
    public let clock: any TimeSource
    /// The database role these desks connect as: the resident site's desks never plan slots
    /// (their role cannot write them) and reach the ledger only through the verdict function.
    public let role: DatabaseRole

    /// `metrics` receives the counters the desks keep (logins, reads of personal data).
    public init(configuration: ServiceConfiguration, database: Database, blobs: any BlobStore, secrets: AppSecrets,
                role: DatabaseRole = .staff, clock: any TimeSource = SystemTimeSource(), metrics: any MetricsFactory) throws {
        self.configuration = configuration
        self.clock = clock
        self.role = role
        let auditLog = AuditLog(database: database, keyring: secrets.auditKeys, clock: clock)
        let trail = AuditTrail(log: auditLog, metrics: metrics)
        let slotStore = SlotStore(database: database)
        let bookingStore = BookingStore(database: database, policy: .init(maxOpenPerPerson: configuration.maxOpenBookingsPerPerson,
                                                                         maxOpenPerContact: configuration.maxOpenBookingsPerContact))
        let storage = StorageStore(database: database)
        let ledgerStore = LedgerStore(database: database, storage: storage)
        let registry = RegistryStore(database: database)
        let applicants = ApplicantStore(database: database)
        let documents = DocumentStore(database: database)
        let intakes = IntakeStore(database: database)
        let runs = JobRunStore(database: database)
        // A bad pattern in the configuration must stop the start, not silently refuse every scan.
        let qrFormat = try QRPayloadFormat(pattern: configuration.qrPattern)
        let limiter = RateLimiter(database: database, secrets: secrets)
        let outbox = MailOutboxStore(database: database)
        let composer = BookingMail(office: .init(cityName: configuration.cityName, officeName: configuration.officeName,
                                                 residentSiteURL: configuration.residentSiteURL, signature: configuration.mailSignature))
        // A relay URL that does not parse must stop the start, not silently keep every mail.
        let smtp = try configuration.smtpURL.map { try SMTPSettings(url: $0, trustRootsFile: configuration.smtpCAFile) }
        mail = MailDesk(outbox: outbox, clock: clock, settings: smtp, sender: configuration.mailFrom, replyTo: configuration.mailReplyTo)
        guard let reminder = ReminderPolicy(setting: configuration.mailReminder) else {
            throw ConfigurationProblem("MADOGUCHI_MAIL_REMINDER: \(configuration.mailReminder) (day-before, day-before@HH, <N>h or off)")
        }
        let templates = MailTemplateStore(database: database)
        let notices = BookingNotices(outbox: outbox, bookings: bookingStore, composer: composer, templates: templates, reminder: reminder, clock: clock)
        let consents = ContactConsentStore(database: database)
        let cardNotices = CardNotices(outbox: outbox, consents: consents, composer: CardMail(office: composer.office), templates: templates, secrets: secrets,
                                      residentSiteURL: configuration.residentSiteURL, clock: clock)
        booking = BookingDesk(bookings: bookingStore, slots: slotStore, ledger: ledgerStore, registry: registry, limiter: limiter,
                              lookupFailures: LookupFailures(database: database, secrets: secrets), audit: trail, database: database, clock: clock, configuration: configuration, feed: BookingFeed(database: database),
                              notices: notices, consents: consents)
        slots = SlotDesk(slots: slotStore, audit: trail, database: database, clock: clock, plansSlots: role != .resident, notices: notices)
        let decoding = DecodePool(workers: configuration.decodeWorkers, queueLimit: configuration.decodeQueue,
                                  maxWait: .seconds(configuration.decodeMaxWaitSeconds))
        let limits = configuration.imagingLimits
        ledger = LedgerDesk(ledger: ledgerStore, storage: storage, registry: registry, bookings: bookingStore, uploads: ImportUploadStore(database: database),
                            audit: trail, cardReads: CardReadJobStore(database: database), database: database, clock: clock, configuration: configuration, qrFormat: qrFormat,
                            decoding: decoding, limits: limits, cardNotices: cardNotices)
        let ingest = DocumentIngest(blobs: blobs, documents: documents, database: database, audit: trail, clock: clock,
                                    limits: limits, maxBytes: configuration.maxUploadBytes, decoding: decoding)
        archive = ArchiveDesk(applicants: applicants, documents: documents, intakes: intakes, bookings: bookingStore, ledger: ledgerStore, blobs: blobs, ingest: ingest, audit: trail,
                              database: database, clock: clock, configuration: configuration)
        intake = IntakeDesk(intakes: intakes, fees: FeeStore(database: database), applicants: applicants, slots: slotStore, audit: trail,
                            database: database, clock: clock)
        let hasher = PasswordHasher(cost: configuration.bcryptCost)
        accounts = AccountDesk(users: StaffUserStore(database: database),
                               sessions: StaffSessionStore(database: database, clock: clock, idleTimeout: configuration.sessionIdleTimeout,
                                                           absoluteTimeout: configuration.sessionAbsoluteTimeout),
                               tokens: ApiTokenStore(database: database, clock: clock), attempts: LoginAttemptStore(database: database),
                               mfa: StaffMFAStore(database: database), limiter: limiter, secrets: secrets, audit: trail, database: database, clock: clock, configuration: configuration, hasher: hasher,
                               passwordPolicy: PasswordPolicy(minimumLength: configuration.minimumPasswordLength,
                                                              breached: BreachedPasswordList.shared))
        statistics = StatisticsDesk(statistics: StatisticsStore(database: database), slots: slotStore, audit: trail, database: database, clock: clock)
        let maintenance = MaintenanceStore(database: database)
        operations = OperationsDesk(notices: NoticeStore(database: database), maintenance: maintenance, runs: runs,
                                    monitoring: MonitoringStore(database: database), blobs: blobs, audit: trail, database: database, clock: clock,
                                    configuration: configuration, schedule: MaintenanceSchedule(store: maintenance))
        audit = AuditDesk(audit: trail, configuration: configuration)
        cardStatus = CardStatusDesk(ledger: ledgerStore, limiter: limiter, audit: trail, clock: clock, configuration: configuration)
        mailTemplates = MailTemplateDesk(templates: templates, bookingMail: composer, cardMail: CardMail(office: composer.office), audit: trail,
                                         database: database, clock: clock)
        contacts = ContactDesk(consents: consents, notices: cardNotices, audit: trail, database: database, clock: clock)
        outreach = OutreachDesk(ledger: ledgerStore, consents: consents, outbox: outbox, notices: cardNotices, audit: trail, database: database, clock: clock)
        cardReader = CardReaderDesk(jobs: CardReadJobStore(database: database), ledger: ledger, ledgerStore: ledgerStore, registry: registry,
                                    secrets: secrets, audit: trail, database: database, clock: clock)
        firstStart = FirstStart(database: database, hasher: hasher, audit: trail)
    }
}
