/// The PostgreSQL roles Madoguchi connects as (#13, least privilege per site).
///
/// - `owner` owns the schema: migrations, snapshot restore, and nothing at run time.
/// - `staff` is the staff site and the operator commands: reads and writes the app's tables, may
///   only add to the audit log, runs no DDL.
/// - `resident` is the public site: locations, slots, notices and maintenance to read; bookings,
///   their events, its access tokens and rate-limit counters to write; audit rows to add. No
///   applicant, document, intake, fee, ledger, registry or staff table; the pickup check (A4)
///   reaches the ledger only through `pickup_verdict`, which answers with a word.
public enum DatabaseRole: String, Sendable, CaseIterable {
    case owner = "madoguchi_owner"
    case staff = "madoguchi_staff"
    case resident = "madoguchi_resident"

    /// The PostgreSQL role name.
    public var name: String { rawValue }

    /// What the role is for, in `db roles` output.
    public var purpose: String {
        switch self {
        case .owner: "schema owner: migrations and restores"
        case .staff: "staff site and operator commands"
        case .resident: "resident (public) site"
        }
    }
}
