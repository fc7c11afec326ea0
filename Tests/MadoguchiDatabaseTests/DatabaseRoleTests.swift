import Foundation
import Logging
import MadoguchiDatabase
import MadoguchiDomain
import MadoguchiTestSupport
import PostgresNIO
import Testing

/// Least privilege per site (#13): what each role may and may not do, checked against PostgreSQL.
@Suite("Database roles per site (#13)")
struct DatabaseRoleTests {
    /// Personal data the public site's role must never read.
    static let residentForbidden = ["applicant", "applicant_application", "document", "document_page", "blob", "intake", "intake_history",
                                    "fee", "ledger_entry", "ledger_event", "registry_person", "import_upload", "staff_user", "staff_session",
                                    "api_token", "login_attempt", "redaction_region", "storage_slot", "job_run"]

    @Test("connected as madoguchi_resident, every personal-data and staff table is refused", arguments: residentForbidden)
    func residentCannotRead(table: String) async throws {
        try await TestDatabases.shared.withSiteDatabases { dbs in
            // act / check
            await #expect(throws: PSQLError.self) {
                try await dbs.resident.client.execute(PostgresQuery(unsafeSQL: "SELECT * FROM \(table) LIMIT 1"), logger: dbs.resident.logger)
            }
        }
    }

    @Test("the resident role reads what the public site shows and writes bookings, nothing more")
    func residentAllowed() async throws {
        try await TestDatabases.shared.withSiteDatabases { dbs in
            // setup
            let db = dbs.resident
            // act / check: reads
            for table in ["location", "slot", "slot_rule", "location_closure", "notice", "maintenance_window", "booking", "booking_event"] {
                try await db.client.execute(PostgresQuery(unsafeSQL: "SELECT * FROM \(table) LIMIT 1"), logger: db.logger)
            }
            // no capacity changes, no new slots, no schema
            for statement in ["UPDATE slot SET web_capacity = 99", "INSERT INTO location (name) VALUES ('x')",
                              "CREATE TABLE resident_owned (id int)", "DELETE FROM booking", "SELECT pg_read_file('/etc/hostname')",
                              "COPY booking TO PROGRAM 'id'", "CREATE TEMPORARY TABLE scratch (id int)"] {
                await #expect(throws: PSQLError.self, "\(statement)") {
                    try await db.client.execute(PostgresQuery(unsafeSQL: statement), logger: db.logger)
                }
            }
        }
    }

    @Test("serve's start-up check: the staff role has no excess privilege, the owner is named for what it could do")
    func excessPrivileges() async throws {
        try await TestDatabases.shared.withSiteDatabases { dbs in
            // act
            let staff = try await MonitoringStore(database: dbs.staff).excessPrivileges()
            let owner = try await MonitoringStore(database: dbs.owner).excessPrivileges()
            // check
            #expect(staff.isEmpty)
            #expect(owner.contains("owns the tables"))
        }
    }

    @Test("the staff role has data, not schema: no DDL, no server files, no programs, not superuser")
    func staffHasNoDDL() async throws {
        try await TestDatabases.shared.withSiteDatabases { dbs in
            // setup
            let db = dbs.staff
            // act / check
            try await db.client.execute("SELECT count(*) FROM ledger_entry", logger: db.logger)
            let superuser = try await db.client.first("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", as: (Bool).self, logger: db.logger)
            #expect(superuser == false)
            for statement in ["CREATE TABLE staff_owned (id int)", "DROP TABLE booking", "ALTER TABLE booking ADD COLUMN x int",
                              "SELECT pg_read_file('/etc/hostname')", "COPY booking TO PROGRAM 'id'", "TRUNCATE booking",
                              "INSERT INTO schema_migration (name, checksum) VALUES ('x', 'y')", "CREATE ROLE intruder",
                              "GRANT pg_execute_server_program TO madoguchi_staff"] {
                await #expect(throws: PSQLError.self, "\(statement)") {
                    try await db.client.execute(PostgresQuery(unsafeSQL: statement), logger: db.logger)
                }
            }
        }
    }

    @Test("the owner role cannot make itself more powerful either")
    func ownerCannotEscalate() async throws {
        try await TestDatabases.shared.withSiteDatabases { dbs in
            // act / check: helper-tested on PostgreSQL 15 — with CREATEROLE this GRANT would succeed
            for statement in ["GRANT pg_execute_server_program TO madoguchi_owner", "CREATE ROLE intruder", "ALTER ROLE madoguchi_owner SUPERUSER"] {
                await #expect(throws: PSQLError.self, "\(statement)") {
                    try await dbs.owner.client.execute(PostgresQuery(unsafeSQL: statement), logger: dbs.owner.logger)
                }
            }
        }
    }

    @Test("the pickup verdict function answers the resident role with a word that matches the staff check, for every stage",
          arguments: LedgerStage.allCases)
    func pickupVerdictParity(stage: LedgerStage) async throws {
        try await TestDatabases.shared.withSiteDatabases { dbs in
            // setup: one card at this stage
            let applicationID = "12345678901234567890123"
            try await dbs.owner.client.execute("""
                INSERT INTO ledger_entry (application_id, name, kana, birth_date, stage, source)
                VALUES (\(applicationID), '山田 太郎', 'ヤマダ タロウ', '1980-04-01', \(stage.rawValue), 'staff')
                """, logger: dbs.owner.logger)
            let staffStore = LedgerStore(database: dbs.staff, storage: StorageStore(database: dbs.staff))
            let residentStore = LedgerStore(database: dbs.resident, storage: StorageStore(database: dbs.resident))
            // act
            let byID = try await residentStore.pickupVerdict(applicationID: applicationID, kanaKey: "", birthDate: "1980-04-01", on: dbs.resident.client)
            let byPerson = try await residentStore.pickupVerdict(applicationID: "", kanaKey: "ヤマダタロウ", birthDate: "1980-04-01", on: dbs.resident.client)
            let staffByID = try await staffStore.pickupCheck(applicationID: applicationID, kanaKey: "", birthDate: "1980-04-01", on: dbs.staff.client)
            let staffByPerson = try await staffStore.pickupCheck(applicationID: "", kanaKey: "ヤマダタロウ", birthDate: "1980-04-01", on: dbs.staff.client)
            // check
            #expect(byID.verdict == staffByID.verdict)
            #expect(byPerson.verdict == staffByPerson.verdict)
            #expect(byID.isReady == stage.allowsPickupBooking)
            if case .ready(let entry) = byID { #expect(entry == nil, "the resident side never gets the row") }
        }
    }

    @Test("the DBA script creates the three roles without CREATEROLE and uses psql variables for passwords")
    func script() {
        // act
        let sql = DatabaseRoles.script(database: "madoguchi", includeGrants: true)
        // check
        for role in DatabaseRole.allCases {
            #expect(sql.contains("CREATE ROLE \(role.name)"))
            #expect(sql.contains("ALTER ROLE \(role.name) WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"))
            #expect(sql.contains("PASSWORD :'\(role.name)_password'"))
        }
        #expect(sql.contains("GRANT SELECT (id, hash) ON audit_log TO madoguchi_resident"))
        #expect(!sql.contains("CREATEROLE;"))
    }
}
