import Foundation
import Logging
import PostgresNIO

/// The SQL that sets up the three roles (#13): the cluster-level part a superuser (or the DBA)
/// runs once — roles, their attributes, who owns the database — and the grants the owner
/// re-applies after every migration, so a table added later gets exactly the privileges its
/// role list says. `madoguchi db roles --print-sql` prints both as one psql script.
public enum DatabaseRoles {
    /// Statements for a superuser: create the roles if missing, set their attributes and
    /// passwords. `password` renders a role's password as SQL (a quoted literal, or a psql variable).
    public static func roleStatements(password: (DatabaseRole) -> String) -> [String] {
        var statements: [String] = []
        let names = DatabaseRole.allCases.map(\.name)
        statements.append("""
            DO $$ BEGIN
            \(names.map { "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\($0)') THEN CREATE ROLE \($0); END IF;" }.joined(separator: "\n"))
            END $$
            """)
        for role in DatabaseRole.allCases {
            // No role may create roles: on PostgreSQL 15 a CREATEROLE role can grant itself
            // pg_execute_server_program, which runs shell commands as the server's OS user.
            statements.append("""
                ALTER ROLE \(role.name) WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS \
                \(role == .owner ? "INHERIT" : "NOINHERIT") PASSWORD \(password(role))
                """)
            statements.append("REVOKE pg_read_server_files, pg_write_server_files, pg_execute_server_program FROM \(role.name)")
        }
        return statements
    }

    /// Statements for a superuser: the database belongs to the owner role, only the runtime
    /// roles may connect, and only staff may make temporary tables.
    public static func databaseStatements(database: String) -> [String] {
        [
            "ALTER DATABASE \(quoted(database)) OWNER TO \(DatabaseRole.owner.name)",
            "REVOKE ALL ON DATABASE \(quoted(database)) FROM PUBLIC",
            "GRANT CONNECT ON DATABASE \(quoted(database)) TO \(DatabaseRole.staff.name), \(DatabaseRole.resident.name)",
            // The ledger import stages its rows in a temporary table.
            "GRANT TEMPORARY ON DATABASE \(quoted(database)) TO \(DatabaseRole.staff.name)",
        ]
    }

    /// Statements for a superuser connected to the app's database: the `public` schema and
    /// whatever an earlier version created there as the superuser move to the owner role.
    public static func adoptionStatements() -> [String] {
        let owner = DatabaseRole.owner.name
        return [
            "ALTER SCHEMA public OWNER TO \(owner)",
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            """
            DO $$ DECLARE r record; BEGIN
              FOR r IN SELECT c.oid::regclass AS object FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
                         AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = '\(owner)') LOOP
                EXECUTE format('ALTER TABLE %s OWNER TO \(owner)', r.object);
              END LOOP;
              FOR r IN SELECT c.oid::regclass AS object FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relkind = 'S'
                         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
                         AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = '\(owner)') LOOP
                EXECUTE format('ALTER SEQUENCE %s OWNER TO \(owner)', r.object);
              END LOOP;
              FOR r IN SELECT p.oid::regprocedure AS object FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                       WHERE n.nspname = 'public' AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = '\(owner)') LOOP
                EXECUTE format('ALTER FUNCTION %s OWNER TO \(owner)', r.object);
              END LOOP;
            END $$
            """,
        ]
    }

    /// The tables the resident site may read, and what it may write (see `DatabaseRole`).
    static let residentReads = ["location", "slot", "slot_rule", "location_closure", "notice", "maintenance_window", "schema_migration",
                                 // The wording of the booking mails it queues (#16).
                                 "mail_template"]
    static let residentWrites: [(table: String, privileges: String)] = [
        ("booking", "SELECT, INSERT, UPDATE"),
        ("booking_event", "SELECT, INSERT"),
        ("booking_access", "SELECT, INSERT, DELETE"),
        ("booking_request", "SELECT, INSERT, DELETE"),
        ("rate_limit", "SELECT, INSERT, UPDATE, DELETE"),
        ("lookup_failure", "SELECT, INSERT, UPDATE, DELETE"),
        // A booking's confirmation is queued in the booking's own transaction (#16), and a moved
        // or cancelled booking's reminder withdrawn there; only the staff side's worker reads
        // addresses and texts and sends them.
        ("mail_outbox", "INSERT, SELECT (id, booking_id, kind, status), UPDATE (status)"),
        // The card-ready agreement given with a booking, and its withdrawal from a mail's link.
        ("contact_consent", "INSERT, SELECT (id, application_id, withdrawn_at), UPDATE (withdrawn_at, withdrawn_by)"),
    ]

    /// Statements for the owner, after every migration: everything is revoked and granted again
    /// from these lists, so the privileges are what the code says whatever was done by hand.
    public static func grantStatements() -> [String] {
        let staff = DatabaseRole.staff.name, resident = DatabaseRole.resident.name
        var statements = [
            "GRANT USAGE ON SCHEMA public TO \(staff), \(resident)",
            "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM \(staff), \(resident)",
            "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM \(staff), \(resident)",
            "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, \(staff), \(resident)",
            // Staff: data, not schema; the audit log and the migration record are append-only / read-only.
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(staff)",
            "REVOKE INSERT, UPDATE, DELETE ON schema_migration FROM \(staff)",
            "REVOKE UPDATE, DELETE ON audit_log FROM \(staff)",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(staff)",
            "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO \(staff)",
        ]
        statements.append("GRANT SELECT ON \(residentReads.joined(separator: ", ")) TO \(resident)")
        statements.append("GRANT UPDATE (web_booked, staff_booked) ON slot TO \(resident)")
        for (table, privileges) in residentWrites {
            statements.append("GRANT \(privileges) ON \(table) TO \(resident)")
        }
        statements += [
            // The chain needs the newest row's hash; the rows' content stays out of reach.
            "GRANT INSERT ON audit_log TO \(resident)",
            "GRANT SELECT (id, hash) ON audit_log TO \(resident)",
            "GRANT USAGE ON SEQUENCE audit_log_id_seq TO \(resident)",
            """
            DO $$ DECLARE s text; BEGIN
              FOREACH s IN ARRAY ARRAY[pg_get_serial_sequence('booking', 'id'), pg_get_serial_sequence('booking_event', 'id'),
                                   pg_get_serial_sequence('mail_outbox', 'id'), pg_get_serial_sequence('contact_consent', 'id')] LOOP
                IF s IS NOT NULL THEN EXECUTE format('GRANT USAGE ON SEQUENCE %s TO \(resident)', s); END IF;
              END LOOP;
            END $$
            """,
            "GRANT EXECUTE ON FUNCTION pickup_verdict(text, text, date) TO \(resident)",
            "GRANT EXECUTE ON FUNCTION card_status_verdict(text, date) TO \(resident)",
        ]
        return statements
    }

    /// The setup as a psql script for a DBA: passwords come from psql variables. The grants need
    /// the tables, so they are printed only on request (`migrate` applies them itself).
    public static func script(database: String, includeGrants: Bool) -> String {
        func variable(_ role: DatabaseRole) -> String { ":'\(role.name)_password'" }
        let header = """
            -- Madoguchi database roles (#13). Run as a superuser, once, and again after upgrades:
            --   psql -v ON_ERROR_STOP=1 -v madoguchi_owner_password=… -v madoguchi_staff_password=… \\
            --        -v madoguchi_resident_password=… -d \(database) -f roles.sql
            -- Then connect migrations as madoguchi_owner (DATABASE_URL), the staff site as
            -- madoguchi_staff (MADOGUCHI_STAFF_DATABASE_URL) and the resident site as
            -- madoguchi_resident (MADOGUCHI_RESIDENT_DATABASE_URL). `madoguchi migrate` re-applies
            -- the grants below after every migration.

            """
        let cluster = (roleStatements(password: variable) + databaseStatements(database: database)).map { $0 + ";" }
        let adoption = adoptionStatements().map { $0 + ";" }
        var lines = ["-- roles and the database"] + cluster + ["", "-- the schema and what is in it"] + adoption
        if includeGrants {
            lines += ["", "-- table privileges (needs the tables: `madoguchi migrate` applies these itself)",
                      "SET ROLE \(DatabaseRole.owner.name);"] + grantStatements().map { $0 + ";" } + ["RESET ROLE;"]
        }
        return header + lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A string literal for SQL (passwords are generated, but quote them properly anyway).
    public static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
