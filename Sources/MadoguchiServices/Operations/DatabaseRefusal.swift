import PostgresNIO

/// PostgreSQL refusing a value (SQLSTATE class 22, data exception: a character it cannot store,
/// a number out of range, a malformed date) is bad input that got past the edge checks, not a
/// server fault: the sites answer 422 and nothing was stored (the statement failed) (#19).
public enum DatabaseRefusal {
    public static func isDataException(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        return error.serverInfo?[.sqlState]?.hasPrefix("22") == true
    }
}
