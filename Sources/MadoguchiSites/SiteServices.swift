import Foundation
import Logging
import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiImaging

/// The dependencies every controller shares, built once per process.
public struct SiteServices: Sendable {
    public let configuration: SiteConfiguration
    public let database: Database
    public let clock: any TimeSource
    public let users: StaffUserStore
    public let sessions: StaffSessionStore
    public let tokens: ApiTokenStore
    public let auditLog: AuditLog
    public let login: LoginService
    public let hasher: PasswordHasher
    public let passwordPolicy: PasswordPolicy
    public let renderer: PageRenderer
    public let assets: StaticAssets
    public let blobs: any BlobStore
    public let applicants: ApplicantStore
    public let documents: DocumentStore
    public let intakes: IntakeStore
    public let fees: FeeStore
    public let notices: NoticeStore
    public let maintenance: MaintenanceStore
    public let slots: SlotStore
    public let bookings: BookingStore
    public let rateLimiter: RateLimiter
    public let bookingFeed: BookingFeed
    let maintenanceSchedule: MaintenanceSchedule
    public let metrics = AppMetrics()
    public let ingest: DocumentIngest
    public let ledger: LedgerStore
    public let storage: StorageStore
    public let registry: RegistryStore
    public let qrFormat: QRPayloadFormat
    public let logger: Logger

    public init(configuration: SiteConfiguration, database: Database, blobs: any BlobStore,
                clock: any TimeSource = SystemTimeSource(), logger: Logger) async throws {
        self.configuration = configuration
        self.database = database
        self.clock = clock
        self.logger = logger
        users = StaffUserStore(database: database)
        sessions = StaffSessionStore(database: database, clock: clock, idleTimeout: configuration.sessionIdleTimeout,
                                     absoluteTimeout: configuration.sessionAbsoluteTimeout)
        tokens = ApiTokenStore(database: database, clock: clock)
        auditLog = AuditLog(database: database, clock: clock)
        hasher = PasswordHasher(cost: configuration.bcryptCost)
        login = LoginService(database: database, auditLog: auditLog, hasher: hasher, clock: clock,
                             maxFailures: configuration.maxFailedLogins,
                             autoUnlockAfter: configuration.autoUnlockMinutes.map { TimeInterval($0 * 60) },
                             maxFailuresPerAddress: configuration.maxFailedLoginsPerAddress)
        passwordPolicy = PasswordPolicy(minimumLength: configuration.minimumPasswordLength)
        renderer = try await PageRenderer()
        assets = try StaticAssets()
        self.blobs = blobs
        applicants = ApplicantStore(database: database)
        documents = DocumentStore(database: database)
        intakes = IntakeStore(database: database)
        fees = FeeStore(database: database)
        notices = NoticeStore(database: database)
        maintenance = MaintenanceStore(database: database)
        maintenanceSchedule = MaintenanceSchedule(store: maintenance)
        slots = SlotStore(database: database)
        bookings = BookingStore(database: database, policy: .init(maxOpenPerPerson: configuration.maxOpenBookingsPerPerson,
                                                                  maxOpenPerContact: configuration.maxOpenBookingsPerContact))
        rateLimiter = RateLimiter(database: database)
        bookingFeed = BookingFeed(database: database)
        ledger = LedgerStore(database: database)
        storage = StorageStore(database: database)
        registry = RegistryStore(database: database)
        // A bad pattern in the configuration must stop the start, not silently refuse every scan.
        qrFormat = try QRPayloadFormat(pattern: configuration.qrPattern)
        ingest = DocumentIngest(blobs: blobs, documents: documents, database: database, auditLog: auditLog, clock: clock,
                                limits: ImagingLimits(maxPixelsPerPage: configuration.maxPixelsPerPage),
                                maxBytes: configuration.maxUploadBytes)
    }

    /// Writes an audit entry for `context`'s actor in its own transaction.
    func audit(_ context: AppRequestContext, action: String, recordType: String = "", recordID: String = "",
               result: AuditResult = .success, detail: String = "") async throws {
        if Self.personalDataReads.contains(where: action.hasSuffix) { metrics.recordPersonalDataView(action: action) }
        try await auditLog.record(event(context, action: action, recordType: recordType, recordID: recordID,
                                        result: result, detail: detail))
    }

    /// Audited actions that read personal data, counted for monitoring (F5).
    static let personalDataReads = [".view", ".search", ".list", ".open", ".thumbnail", ".export"]

    /// The audit event for an action taken by `context`'s actor.
    func event(_ context: AppRequestContext, action: String, recordType: String = "", recordID: String = "",
               result: AuditResult = .success, detail: String = "") -> AuditEvent {
        AuditEvent(actorUserID: context.identity?.userID, actorLogin: context.identity?.login ?? "anonymous",
                   action: action, recordType: recordType, recordID: recordID, sourceAddress: context.sourceAddress,
                   result: result, detail: detail, requestID: context.requestID)
    }
}
