import MadoguchiDatabase
import PostgresNIO
import Testing

@Suite("DATABASE_URL parsing")
struct DatabaseLocationTests {
    @Test("host, port, user, password and database come from the URL; percent-encoding is undone")
    func tcp() throws {
        let c = try DatabaseLocation.configuration(fromURL: "postgres://mado%40city:p%2Fss@db.internal:5433/madoguchi_prod?sslmode=require")
        #expect(c.host == "db.internal")
        #expect(c.port == 5433)
        #expect(c.username == "mado@city")
        #expect(c.password == "p/ss")
        #expect(c.database == "madoguchi_prod")
        #expect(c.unixSocketPath == nil)
    }

    @Test("defaults: port 5432, database madoguchi; postgresql:// works too")
    func defaults() throws {
        let c = try DatabaseLocation.configuration(fromURL: "postgresql://app@10.0.0.5")
        #expect(c.port == 5432)
        #expect(c.database == "madoguchi")
        #expect(c.password == nil)
    }

    @Test("?host=/dir selects a Unix socket")
    func socket() throws {
        let c = try DatabaseLocation.configuration(fromURL: "postgres://app@/madoguchi?host=/run/postgresql")
        #expect(c.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
    }

    @Test("every libpq sslmode is accepted, anything else is a clear error",
          arguments: ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])
    func sslModes(mode: String) throws {
        _ = try DatabaseLocation.configuration(fromURL: "postgres://app@db/madoguchi?sslmode=\(mode)")
    }

    @Test("bad URLs are refused with a message")
    func refused() {
        #expect(throws: DatabaseError.self) { try DatabaseLocation.configuration(fromURL: "mysql://app@db/madoguchi") }
        #expect(throws: DatabaseError.self) { try DatabaseLocation.configuration(fromURL: "postgres://app@db/madoguchi?sslmode=always") }
        #expect(throws: DatabaseError.self) { try DatabaseLocation.configuration(fromURL: "postgres:///madoguchi") }
    }
}
